"""Whether the build may start helper processes by fork, and the context that does it.

Fork is what makes the helpers cheap (read_ahead.py, output_stream.py, the checks in build.py): a
forked process starts with the build's memory (settings, readers, the audit's snapshot) without
pickling it or importing anything again. Only on Linux: macOS forks unsafely and Windows cannot;
there the build does the same work in one process.
"""

from __future__ import annotations

import sys
from multiprocessing import get_context


def available() -> bool:
    return sys.platform.startswith("linux")


def context():
    return get_context("fork")
