"""Build the site into a fresh directory, audit it, and only then let it replace the output.

A failed build or a failed check leaves the previous output exactly as it was. Pelican warnings are
errors here, reported one line each, never as a traceback.

    python -m clinic.build SETTINGS OUTPUT [--set KEY=JSON ...] [--no-check]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .problems import Problem, report


class _Collector(logging.Handler):
    """Turns each Pelican warning or error into a Problem instead of a log line."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.problems: list[Problem] = []

    def emit(self, record):
        message = record.getMessage().splitlines()[0] if record.getMessage() else record.levelname
        path = getattr(record, "source_path", None) or "content"
        self.problems.append(Problem(path, 0, "pelican-" + record.levelname.lower(), message,
                                     "fix what the message names; Pelican warnings fail the build"))


def load_settings(settings_file: str | os.PathLike, overrides: dict | None = None) -> dict:
    from pelican.settings import read_settings

    return read_settings(str(settings_file), override=overrides or {})


def run_pelican(settings: dict) -> list[Problem]:
    """Run Pelican with `settings`; return the problems it or the clinic plugin found."""
    from pelican import Pelican

    collector = _Collector()
    root = logging.getLogger()
    previous_handlers, previous_level = root.handlers[:], root.level
    root.handlers, root.level = [collector], logging.WARNING
    try:
        Pelican(settings).run()
    except SystemExit as stop:
        # The clinic plugin has already printed its problems, one line each.
        if stop.code:
            return collector.problems + [Problem("content", 0, "rules", "the editorial rules above failed",
                                                 "fix each line above, then build again")]
    except Exception as error:  # noqa: BLE001 - any crash becomes one line, not a traceback
        collector.problems.append(Problem("content", 0, "pelican-error", f"{type(error).__name__}: {error}",
                                          "fix what the message names"))
    finally:
        root.handlers, root.level = previous_handlers, previous_level
    return collector.problems


def replace_output(fresh: Path, output: Path) -> None:
    """Swap the fresh build in; the old output is removed only after the new one is in place."""
    old = None
    if output.exists():
        old = output.with_name(f".{output.name}.old-{os.getpid()}")
        os.replace(output, old)
    os.replace(fresh, output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def post_build_steps():
    """What runs on the fresh output after Pelican, in order, before the audit sees it.

    Each step is `step(output: Path, settings: dict) -> list[Problem]`.
    """
    from . import assets, search_index

    return [
        search_index.build_search_index,
        assets.check_asset_urls,
        assets.minify_output,
        assets.precompress_output,
    ]


def build(settings_file, output, *, overrides: dict | None = None, check: bool = True) -> int:
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    try:
        settings = load_settings(settings_file, {**(overrides or {}), "OUTPUT_PATH": str(fresh)})
        problems = run_pelican(settings)
        for step in post_build_steps():
            if problems:
                break
            problems = step(fresh, settings)
        if not problems and check:
            from .audit import audit

            problems = audit(fresh, settings).problems
        if problems:
            report(problems)
            return 1
        replace_output(fresh, output)
        return 0
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


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
    parser = argparse.ArgumentParser(prog="python -m clinic.build", description=__doc__.splitlines()[0])
    parser.add_argument("settings")
    parser.add_argument("output")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=JSON", help="override a setting")
    parser.add_argument("--no-check", action="store_true", help="skip the output audit")
    args = parser.parse_args(argv)
    return build(args.settings, args.output, overrides=parse_overrides(args.set), check=not args.no_check)


if __name__ == "__main__":
    sys.exit(main())
