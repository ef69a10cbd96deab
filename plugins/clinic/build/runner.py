"""Build the site into a fresh directory, audit it, and only then let it replace the output.

A failed build or a failed check leaves the previous output exactly as it was. Pelican warnings are
errors here, reported one line each, never as a traceback.

    python -m clinic.build.runner SETTINGS OUTPUT [--set KEY=JSON ...] [--no-check]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import traceback
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from clinic.settings import load_settings
from clinic.problems import Problem, RuleProblems, line_of, relative, report, setting_line


class _Collector(logging.Handler):
    """Turns each Pelican warning or error into a Problem instead of a log line.

    Pelican's records rarely carry the file in an attribute, but their arguments often hold its path
    ("Could not process %s", "Empty alt attribute for image %s in %s"), and "Could not process" is logged
    inside the except block, so the exception that explains it is still at hand.
    """

    def __init__(self, content_path: str | os.PathLike = "content", settings_file: str | os.PathLike | None = None):
        super().__init__(level=logging.WARNING)
        self.content_path = Path(content_path)
        self.settings_file = settings_file
        self.problems: list[Problem] = []

    def emit(self, record):
        text = record.getMessage()
        message = text.splitlines()[0].rstrip(": ") if text.strip() else record.levelname
        error = sys.exc_info()[1]
        if error is not None and str(error) and str(error) not in message:
            message += f" ({type(error).__name__}: {str(error).splitlines()[0]})"
        source = self.source_of(record)
        if source is not None:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            path, line = source, line_in(source, message, [str(a) for a in args if isinstance(a, str)])
        else:
            path, line = where(error, self.settings_file, message)
        self.problems.append(Problem(path, line, "pelican-" + record.levelname.lower(), message,
                                     "fix what the message names; Pelican warnings fail the build"))

    def source_of(self, record) -> str | None:
        """The content file a record is about, when its arguments name one."""
        candidates = [getattr(record, "source_path", None)]
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        candidates += [getattr(arg, "source_path", arg) for arg in args]
        for candidate in candidates:
            if not isinstance(candidate, (str, os.PathLike)) or not str(candidate).strip():
                continue
            for path in (Path(candidate), self.content_path / candidate):
                try:
                    if path.is_file():
                        return relative(str(path))
                except OSError:
                    continue
        return None


QUOTED = re.compile(r"'([^'\n]{2,})'|`([^`\n]{2,})`|\"([^\"\n]{2,})\"")


def line_in(path: str, message: str, named: list[str] = ()) -> int:
    """The line of `path` that holds what `message` quotes ('publsihed', `title`) or what the record
    named (a link target), else the file's first line."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 1
    quoted = [next(group for group in match.groups() if group) for match in QUOTED.finditer(message)]
    for needle in [*quoted, *named]:
        if len(needle) > 1 and needle in text and os.path.realpath(needle) != os.path.realpath(path):
            return line_of(text, needle)
    return 1


# Where Python and the installed packages live: a frame there is Pelican's or Jinja's, not the site's.
_INSTALLED = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}


def _ours(file: Path) -> bool:
    """A file of this site (a template, a plugin, the settings), wherever it is: not Python's or a package's."""
    try:
        real = file.resolve()
        return real.is_file() and "site-packages" not in real.parts and not (_INSTALLED & set(real.parents))
    except OSError:
        return False


def where(error: BaseException | None, settings_file, message: str = "") -> tuple[str, int]:
    """A real file and line for a problem no content file explains: the file and line the error names
    (a template's syntax error), else the last frame of its traceback in this project (a template, a
    plugin, the settings), else the settings file, at the setting the message names if it names one."""
    if error is not None:
        named, line = getattr(error, "filename", None), getattr(error, "lineno", None)
        if named and line and Path(named).is_file():
            return relative(str(named)), int(line)
        for frame, line in reversed(list(traceback.walk_tb(error.__traceback__))):
            file = Path(frame.f_code.co_filename)
            if _ours(file):
                return relative(str(file)), line
    settings = settings_file or Path.cwd() / "pelicanconf.py"
    for name in re.findall(r"\b[A-Z][A-Z0-9_]{3,}\b", message):
        path, line = setting_line(name, settings)
        if line > 1:
            return path, line
    return relative(str(settings)), 1


def run_pelican(settings: dict, settings_file: str | os.PathLike | None = None) -> list[Problem]:
    """Run Pelican with `settings`; return the problems it or the clinic plugin found."""
    from pelican import Pelican, signals
    from pelican.log import LimitFilter

    # Pelican drops a warning it has already logged in this process (its CLI's --logs-dedup-min-level).
    # `invoke livereload` rebuilds in one process, so a save that repeats the last save's warning would
    # build as if it were good; warnings and errors are never dropped here.
    LimitFilter.LOGS_DEDUP_MIN_LEVEL = logging.DEBUG
    collector = _Collector(settings.get("PATH", "content"), settings_file)
    root = logging.getLogger()
    previous_handlers, previous_level = root.handlers[:], root.level
    root.handlers, root.level = [collector], logging.WARNING
    pelican = finished = None
    try:
        pelican = Pelican(settings)
        pelican.run()
        finished = True
    except RuleProblems as found:
        return [p for p in collector.problems if not p.message.startswith(NAMED_BY_RULES)] + found.problems
    except Exception as error:  # noqa: BLE001 - any crash becomes one line, not a traceback
        message = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        collector.problems.append(Problem(*where(error, settings_file, message), "pelican-error", message,
                                          "fix what the message names"))
    finally:
        root.handlers, root.level = previous_handlers, previous_level
        if pelican is not None and not finished:
            # Plugins keep a run's state until `finalized` (the sitemap plugin its page queue): a run that
            # stopped early ends here too, into the output about to be discarded, so that the next run in
            # this process (`invoke livereload` after a broken save) starts clean and writes its sitemap.
            signals.finalized.send(pelican)
    return collector.problems


# Pelican warnings that the article rules (image-alt-missing, image-missing) have just named with file and
# line; shown again they would be the same problem twice. On pages, which the rules skip, they still show.
NAMED_BY_RULES = ("Empty alt attribute for image", "Cannot get modification stamp for")


def live_rebuild(settings_file, output, overrides: dict | None = None) -> int:
    """The rebuild `invoke livereload` makes on each save (benchmarks/build.py times it): Pelican's content
    cache on, so an unchanged article's whole read (reader.py) comes from it, and the output audit left to
    build, preview and publish, so a save shows sooner. The rules still run."""
    overrides = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, **(overrides or {})}
    overrides["CACHE_PATH"] = str(reader_cache(load_settings(settings_file, overrides)))
    return build(settings_file, output, overrides=overrides, check=False)


def reader_cache(settings: dict) -> Path:
    """Where Pelican keeps this configuration's reads. Pelican renews an entry only when its own file
    changes, but a read also depends on the settings, the glossary, the images' sizes and the plugin's
    code: a change to any of them names a new folder, and the old ones are removed."""
    import hashlib

    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=lambda o: type(o).__name__).encode())
    for root in (Path(settings["PATH"]), Path(__file__).parents[1]):
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix not in (".md", ".pyc"):
                stat = path.stat()
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    base = Path(settings["CACHE_PATH"])
    folder = base / f"reads-{digest.hexdigest()[:16]}"
    for old in base.glob("reads-*") if base.is_dir() else []:
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
    return folder


def replace_output(fresh: Path, output: Path) -> None:
    """Swap the fresh build in; the old output is removed only after the new one is in place."""
    old = None
    if output.exists():
        old = output.with_name(f".{output.name}.old-{os.getpid()}")
        os.replace(output, old)
    os.replace(fresh, output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def shaping_steps():
    """What runs on the fresh output after Pelican and changes what readers get, so before anything reads it.

    Each step is `step(output: Path, settings: dict) -> list[Problem]`.
    """
    from clinic.build import delivery
    from clinic.writers import cms_admin

    return [cms_admin.write_admin, delivery.minify_output]


def finishing_lanes(settings: dict):
    """What only adds files beside the pages and feeds: the search index, the host's headers file,
    compressed copies. Each lane runs in order; the lanes run side by side, and beside the checks."""
    from functools import partial

    from clinic.build import delivery
    from clinic import headers
    from clinic.build import search_index
    from clinic.build import stable_index

    return [
        [search_index.build_search_index, stable_index.stabilise_pagefind, search_index.precompress_index],
        [headers.write_headers_file, partial(delivery.precompress_output, skip=(settings["SEARCH_INDEX_PATH"],))],
    ]


def _run(steps, output: Path, settings: dict) -> list[Problem]:
    for step in steps:
        problems = step(output, settings)
        if problems:
            return problems
    return []


def build(settings_file, output, *, overrides: dict | None = None, check: bool = True) -> int:
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    try:
        problems = _build_into(fresh, settings_file, overrides, check)
        if problems:
            report(problems)
            return 1
        replace_output(fresh, output)
        return 0
    except Exception as error:  # noqa: BLE001 - a broken settings file or step is one line too
        message = f"{type(error).__name__}: {error}"
        report([Problem(*where(error, settings_file, message), "build-error", message, "fix what the message names")])
        return 1
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def _build_into(fresh: Path, settings_file, overrides: dict | None, check: bool) -> list[Problem]:
    from clinic.audit.checks import read_output
    from clinic.source.preflight import preflight
    from clinic.build.search_index import start_search_index, stop_search_index

    settings = load_settings(settings_file, {**(overrides or {}), "OUTPUT_PATH": str(fresh)})
    problems = preflight(settings) or run_pelican(settings, settings_file) or _run(shaping_steps(), fresh, settings)
    if problems:
        return problems
    try:
        # The longest finishing step reads only the pages, final now: it starts before the snapshot is
        # read and the checks' processes started. It writes only under pagefind/, which the snapshot skips.
        start_search_index(fresh, settings)
        snapshot = read_output(fresh, settings) if check else None
        return _check_and_finish(fresh, snapshot, settings, check)
    finally:
        stop_search_index(fresh)  # still running only if a step before its lane failed


def _check_and_finish(fresh: Path, snapshot, settings: dict, check: bool) -> list[Problem]:
    lanes = finishing_lanes(settings)
    # The checks are Python. In processes of their own (started before any lane's thread) they leave
    # this process's GIL to the lanes' threads: beside them in one process, compressing 1,000 articles took
    # 10 s instead of 2 s, each thread waiting its turn at every file. A full build's audit is the longest
    # of the finishing steps, so it is shared between two processes. Without the audit (livereload) only
    # the asset check is left, and it runs here.
    parts = snapshot.parts(CHECK_PROCESSES) if snapshot is not None else [None]
    checking = ProcessPoolExecutor(max_workers=len(parts)) if check and len(parts) > 1 else None
    try:
        # The asset check goes with the last part: the first, with the feeds, starts first.
        checked = [checking.submit(run_checks, fresh, part, settings, assets=part is parts[-1],
                                   links=(number, len(parts))) for number, part in enumerate(parts)
                   ] if checking is not None else []
        with ThreadPoolExecutor(max_workers=len(lanes)) as background:
            finishing = [background.submit(_run, lane, fresh, settings) for lane in lanes]
            problems = ([problem for part in checked for problem in part.result()] if checking is not None
                        else run_checks(fresh, snapshot, settings))
            return [problem for lane in finishing for problem in lane.result()] + problems
    finally:
        if checking is not None:
            checking.shutdown()


# Processes a full build's audit is shared between: the machines it runs on have two cores or more, and
# Pagefind and the compression lane want theirs too.
CHECK_PROCESSES = 2


def run_checks(output: Path, snapshot, settings: dict, *, assets: bool = True,
               links: tuple[int, int] = (0, 1)) -> list[Problem]:
    """The asset check on the output (`assets`), the link check on its share of the pages (`links`, see
    links.check_output_links), and the audit of its snapshot (None: not asked for)."""
    from clinic.build.delivery import check_asset_urls
    from clinic.audit.checks import audit_snapshot
    from clinic.writers.cms_admin import check_admin
    from clinic.audit.links import check_output_links

    problems = ((check_asset_urls(output, settings) + check_admin(output, settings) if assets else [])
                + check_output_links(output, settings, links))
    return problems + (audit_snapshot(snapshot, settings).problems if snapshot is not None else [])


def parse_overrides(pairs: list[str]) -> dict:
    overrides = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    return overrides


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clinic.build.runner", description=__doc__.splitlines()[0])
    parser.add_argument("settings")
    parser.add_argument("output")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=JSON", help="override a setting")
    parser.add_argument("--no-check", action="store_true", help="skip the output audit")
    args = parser.parse_args(argv)
    return build(args.settings, args.output, overrides=parse_overrides(args.set), check=not args.no_check)


if __name__ == "__main__":
    sys.exit(main())
