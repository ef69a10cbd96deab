"""Post-build step: index the fresh output with Pagefind, so /search/ works with no server and no third party.

Runs the Pagefind binary shipped in the `pagefind[bin]` package over the finished HTML. The templates
decide what is indexed: `data-pagefind-body` marks the text of articles and pages, `data-pagefind-filter`
their category. The index is written to `pagefind/` inside the output, beside the pages it describes.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from clinic.problems import Problem, pinned

# Pagefind's ready-made interfaces. /search/ uses our small theme/static/js/search.js on pagefind.js
# instead: a fraction of their weight, styled by site.css, and under the site's strict CSP with nothing
# to audit but our own code. Unused, these would only be weight to deploy.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")
# By resolved output folder: the Pagefind started there, or the OSError that stopped it from starting.
_running: dict[str, subprocess.Popen | OSError] = {}


def pagefind_command(output: Path, settings: dict) -> list[str]:
    # The binary the pagefind[bin] package ships, run directly: `python -m pagefind` would start a Python
    # only to exec it (0.1 s of every build). Pagefind's filter index comes out in a different order on
    # each run; clinic.build.stable_index, the next step, sorts it.
    from pagefind_bin import get_executable

    return [str(get_executable()), "--site", str(output), "--output-subdir", settings["SEARCH_INDEX_PATH"], *_glob(settings)]


def _glob(settings: dict) -> list[str]:
    """Only articles and pages (drafts too, in development) carry data-pagefind-body, and Pagefind indexes
    nothing else when any page has it: reading only their files gives the same index and saves Pagefind a
    fifth of its work."""
    if not (settings.get("ARTICLE_SAVE_AS") and settings.get("PAGE_SAVE_AS")):
        return []
    saved_as = [settings.get(name) for name in ("ARTICLE_SAVE_AS", "PAGE_SAVE_AS", "DRAFT_SAVE_AS", "DRAFT_PAGE_SAVE_AS")]
    return ["--glob", "{" + ",".join(re.sub(r"\{[^}]+\}", "*", pattern) for pattern in saved_as if pattern) + "}"]


def start_search_index(output: Path, settings: dict) -> None:
    """Start Pagefind on `output` now; build_search_index waits for it. The build starts it as soon as the
    pages are final, before the audit's snapshot, since it is the longest of the finishing steps."""
    stop_search_index(output)
    try:
        _running[os.path.realpath(output)] = subprocess.Popen(pagefind_command(Path(output), settings),
                                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as error:
        _running[os.path.realpath(output)] = error


def build_search_index(output: Path, settings: dict) -> list[Problem]:
    """Finishing step: the index of `output`, from the Pagefind that start_search_index started (or now)."""
    output = Path(output)
    if os.path.realpath(output) not in _running:
        start_search_index(output, settings)
    process = _running.pop(os.path.realpath(output))
    if isinstance(process, OSError):
        return [_problem(f"Pagefind could not run ({type(process).__name__}: {process})")]
    try:
        stdout, stderr = process.communicate(timeout=300)
    except subprocess.TimeoutExpired as error:
        process.kill()
        process.communicate()
        return [_problem(f"Pagefind could not run ({type(error).__name__}: {error})")]
    if process.returncode != 0:
        last = (stderr or stdout).strip().splitlines()[-1:] or ["no message"]
        return [_problem(f"Pagefind failed with exit code {process.returncode}: {last[0]}")]
    index = output / settings["SEARCH_INDEX_PATH"]
    if not (index / "pagefind-entry.json").is_file():
        return [_problem("Pagefind wrote no index (pagefind/pagefind-entry.json is missing)")]
    for name in UNUSED:
        (index / name).unlink(missing_ok=True)
    return []


def stop_search_index(output: Path) -> None:
    """End a Pagefind whose output will be discarded (a step before its wait failed)."""
    process = _running.pop(os.path.realpath(output), None)
    if isinstance(process, subprocess.Popen):
        process.kill()
        process.communicate()


def precompress_index(output: Path, settings: dict) -> list[Problem]:
    """Post-build step, after stable_index: compressed copies of the index's text files."""
    from clinic.build.delivery import precompress_folder

    return precompress_folder(Path(output) / settings["SEARCH_INDEX_PATH"], settings)


def _problem(message: str) -> Problem:
    return Problem(*pinned("pagefind"), "search-index", message,
                   "check that pagefind[bin] is installed from requirements.txt and the build output is HTML")
