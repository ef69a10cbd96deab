"""The Problem record and its one output format: `path:line: rule-id: what is wrong; how to fix`."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, order=True)
class Problem:
    """`line` 0 means the place has no lines (a folder, a deploy target): it is then not printed, so no
    message points at line 0 of something."""

    path: str
    line: int
    rule: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line > 0 else self.path
        return f"{where}: {self.rule}: {self.message}; {self.fix}"


class RuleProblems(Exception):
    """What the rules found, raised out of Pelican's run so the runner gets the problems as data."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} rule problem(s)")
        self.problems = problems


def setting_line(name: str, settings_file: str | os.PathLike | None = None) -> tuple[str, int]:
    """(settings file, the line where `name = ...` is set there, or 1): where a writer looks a setting up."""
    settings_file = settings_file or PROJECT / "pelicanconf.py"
    try:
        with open(settings_file, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.startswith(f"{name} =") or line.startswith(f"{name}="):
                    return relative(str(settings_file)), number
    except OSError:
        pass
    return relative(str(settings_file)), 1


def pinned(package: str) -> tuple[str, int]:
    """(requirements.in, the line that pins `package`): where a tool the build runs is chosen."""
    pins = PROJECT / "requirements.in"
    try:
        lines = pins.read_text(encoding="utf-8").splitlines()
    except OSError:
        return relative(str(pins)), 0
    number = next((n for n, line in enumerate(lines, start=1) if line.lower().startswith(package.lower())), 1)
    return relative(str(pins)), number


def relative(path: str) -> str:
    """Paths are shown relative to the working directory, the way an editor opens them."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def line_of(text: str, needle: str, default: int = 1) -> int:
    """The 1-based line where `needle` first occurs in `text`, or `default`."""
    index = text.find(needle)
    return default if index < 0 else text.count("\n", 0, index) + 1


# Lists that collected() hands out: each gets every problem report() prints while it is open.
_collecting: list[list[Problem]] = []


@contextmanager
def collected():
    """Every problem reported inside the block (by the build or the plugin's rules), for the live preview,
    which shows them on the page as well as in the terminal."""
    found: list[Problem] = []
    _collecting.append(found)
    try:
        yield found
    finally:
        _collecting.remove(found)


def report(problems: list[Problem], stream=None) -> None:
    stream = stream or sys.stderr
    for found in _collecting:
        found.extend(problem for problem in sorted(set(problems)) if problem not in found)
    for problem in sorted(set(problems)):
        print(problem, file=stream)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        print(f"{len(set(problems))} {noun} found; nothing was published.", file=stream)
