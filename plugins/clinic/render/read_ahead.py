"""Full builds: read the Markdown files in worker processes while Pelican, which reads one at a time, goes on.

Reading (Markdown, typogrify, the rewrite, the cleaning) is most of a full build, and Pelican does it on
one core. At the run's first read, every Markdown file under PATH is handed to a standard-library
process pool; when Pelican asks for a file, the reader takes the worker's result, or reads the file
itself if no worker has started on it. A worker runs the same reader class on the same settings, so the
result is the one Pelican would have read (tested byte for byte against READ_WORKERS = 0). Warnings a
worker logs are logged again here, so they still fail the build and name their file.

Only without the content cache (an incremental build reads from Pelican's cache instead), and for at
least READ_AHEAD_MIN_FILES files: below that, starting workers costs more than it saves.
"""

from __future__ import annotations

import logging
import os
import pickle
from concurrent.futures import ProcessPoolExecutor

from clinic.source import preflight

# This run's results by absolute path, shared by the articles' and the pages' readers (Pelican gives
# each generator its own); emptied at `initialized`, so each run in one process starts afresh.
_ahead: dict | None = None
_worker_reader = None


def start_run(pelican=None) -> None:
    """initialized handler."""
    global _ahead
    for future in (_ahead or {}).values():
        future.cancel()
    _ahead = None


def read_ahead(reader, source_path):
    """The worker's (content, metadata) for `source_path`, or None: the caller reads it."""
    global _ahead
    if _ahead is None:
        _ahead = _start(reader)
    future = _ahead.pop(os.path.abspath(source_path), None)
    if future is None or future.cancel():
        return None
    content, metadata, records = future.result()
    for record in records:
        logging.getLogger(record.name).handle(record)
    return content, metadata


def _start(reader) -> dict:
    settings = reader.settings
    workers = settings.get("READ_WORKERS", os.cpu_count() or 1)
    if settings.get("LOAD_CONTENT_CACHE") or workers < 1:
        return {}
    # The files Pelican will read, listed where the pre-flight lists them (ARTICLE_PATHS, PAGE_PATHS, IGNORE_FILES).
    paths = [str(path) for kind in preflight.sources(settings).values() for path in kind]
    if len(paths) < settings.get("READ_AHEAD_MIN_FILES", 50):
        return {}
    portable = {key: value for key, value in settings.items() if _pickles(value)}
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(type(reader), portable))
    futures = {os.path.abspath(path): pool.submit(_read, path) for path in paths}
    pool.shutdown(wait=False)  # the workers stop once every file is read
    return futures


def _pickles(value) -> bool:
    try:
        pickle.dumps(value)
        return True
    except Exception:  # noqa: BLE001 - a function or module in the settings: not the reader's business
        return False


def _start_worker(reader_class, settings) -> None:
    global _worker_reader
    _worker_reader = reader_class(settings)


def _read(path: str):
    """In a worker: what the reader reads, and the warnings it logged on the way."""
    records: list[logging.LogRecord] = []
    handler = _Keep(records)
    logging.getLogger().addHandler(handler)
    try:
        content, metadata = _worker_reader.read_here(path)
    finally:
        logging.getLogger().removeHandler(handler)
    return content, metadata, records


class _Keep(logging.Handler):
    def __init__(self, records: list):
        super().__init__(level=logging.WARNING)
        self.records = records

    def emit(self, record):
        # Sent back pickled: arguments kept where they pickle (the build names a warning's file from
        # them), else the message made final.
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if not _pickles(record.args):
            record.msg, record.args = record.getMessage(), None
        self.records.append(record)
