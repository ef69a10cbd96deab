"""Whether the build may start helper processes by fork, and the context that does it.

Fork is what makes the helpers cheap (read_ahead.py, output_stream.py, writing_apart.py, the checks in
build.py): a forked process starts with the build's memory (settings, readers, the audit's snapshot)
without pickling it or importing anything again. Only on Linux: macOS forks unsafely and Windows cannot;
there the build does the same work in one process.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
from contextlib import contextmanager
from multiprocessing import get_context


def available() -> bool:
    return sys.platform.startswith("linux")


def context():
    return get_context("fork")


def output_key(path) -> str:
    """Helpers are kept by the build they serve: the real path of its output folder."""
    return os.path.realpath(path) if path else ""


def end(process) -> None:
    """Stop a helper whose work will be discarded (its build stopped early)."""
    process.kill()
    process.join()


@contextmanager
def kept_log():
    """In a helper: the log records emitted inside, made able to cross to the build process (replay)."""
    records: list[logging.LogRecord] = []
    handler = _Keep(records)
    logging.getLogger().addHandler(handler)
    try:
        yield records
    finally:
        logging.getLogger().removeHandler(handler)
        records[:] = [_portable(record) for record in records]


def replay(records) -> None:
    """In the build process: log a helper's records again, so its warnings fail the build as they would here."""
    for record in records:
        logging.getLogger(record.name).handle(record)


class _Keep(logging.Handler):
    def __init__(self, records: list):
        super().__init__(level=logging.DEBUG)
        self.records = records

    def emit(self, record):
        self.records.append(record)


def _portable(record: logging.LogRecord) -> logging.LogRecord:
    """The record, able to cross to the build process: its exception as text, arguments kept when they
    pickle (the build names a warning's file from them) and otherwise the paths or text they stand for."""
    if record.exc_info:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
    try:
        pickle.dumps(record.args)
    except Exception:  # noqa: BLE001 - any unpicklable argument
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        record.args = tuple(str(getattr(arg, "source_path", arg)) for arg in args)
    return record
