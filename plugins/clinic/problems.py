"""The Problem record and its one output format: `path:line: rule-id: what is wrong; how to fix`."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    rule: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}; {self.fix}"


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
