"""Post-build step: index the fresh output with Pagefind, so /search/ works with no server and no third party.

Runs the Pagefind binary shipped in the `pagefind[bin]` package over the finished HTML. The templates
decide what is indexed: `data-pagefind-body` marks the text of articles and pages, `data-pagefind-filter`
their category. The index is written to `pagefind/` inside the output, beside the pages it describes.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from .problems import Problem

INDEX_DIR = "pagefind"
# Pagefind's ready-made interfaces. /search/ uses our small theme/static/js/search.js on pagefind.js
# instead: a fraction of their weight, styled by site.css, and under the site's strict CSP with nothing
# to audit but our own code. Unused, these would only be weight to deploy.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")


def pagefind_command(output: Path, settings: dict) -> list[str]:
    # The binary the pagefind[bin] package ships, run directly: `python -m pagefind` would start a Python
    # only to exec it (0.1 s of every build). Pagefind's filter index comes out in a different order on
    # each run; clinic.stable_index, the next step, sorts it.
    from pagefind_bin import get_executable

    return [str(get_executable()), "--site", str(output), "--output-subdir", INDEX_DIR, *_glob(settings)]


def _glob(settings: dict) -> list[str]:
    """Only articles and pages (drafts too, in development) carry data-pagefind-body, and Pagefind indexes
    nothing else when any page has it: reading only their files gives the same index and saves Pagefind a
    fifth of its work."""
    if not (settings.get("ARTICLE_SAVE_AS") and settings.get("PAGE_SAVE_AS")):
        return []
    saved_as = [settings.get(name) for name in ("ARTICLE_SAVE_AS", "PAGE_SAVE_AS", "DRAFT_SAVE_AS", "DRAFT_PAGE_SAVE_AS")]
    return ["--glob", "{" + ",".join(re.sub(r"\{[^}]+\}", "*", pattern) for pattern in saved_as if pattern) + "}"]


def build_search_index(output: Path, settings: dict) -> list[Problem]:
    output = Path(output)
    try:
        done = subprocess.run(pagefind_command(output, settings), capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        return [_problem(f"Pagefind could not run ({type(error).__name__}: {error})")]
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
        return [_problem(f"Pagefind failed with exit code {done.returncode}: {last[0]}")]
    if not (output / INDEX_DIR / "pagefind-entry.json").is_file():
        return [_problem("Pagefind wrote no index (pagefind/pagefind-entry.json is missing)")]
    for name in UNUSED:
        (output / INDEX_DIR / name).unlink(missing_ok=True)
    return []


def precompress_index(output: Path, settings: dict) -> list[Problem]:
    """Post-build step, after stable_index: compressed copies of the index's text files."""
    from .assets import precompress_folder

    return precompress_folder(Path(output) / INDEX_DIR, settings)


def _problem(message: str) -> Problem:
    return Problem(INDEX_DIR, 0, "search-index", message,
                   "check that pagefind[bin] is installed from requirements.txt and the build output is HTML")
