"""Production builds: minify and compress each page and feed in a worker process as soon as Pelican writes it.

Pelican renders and writes one file at a time on one core, and until now the delivery steps waited for
the last file. But a page or feed Pelican has written is final (the steps after it add files beside the
pages and never change them), so the build's runner hands each path Pelican names in `content_written`
and `feed_written` to a worker, which minifies it and writes its compressed copies with the functions the
post-build steps use (delivery.finish_file). Those steps then do only what the stream did not take: the
theme, the editor and the sitemap. The result is the same byte for byte with FINISH_WORKERS = 0, which
leaves all of it to the post-build steps (tests/test_weight.py holds the two to each other), as it is
for a site of fewer than WORKERS_MIN_FILES source files.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from clinic.build import delivery
from clinic.problems import Problem
from clinic.source import preflight


class Stream:
    """The files finished as Pelican wrote them (`done`, paths relative to the output) and their problems."""

    def __init__(self, settings: dict):
        self.output, self.settings = Path(settings["OUTPUT_PATH"]), settings
        workers = settings.get("FINISH_WORKERS", max(1, (os.cpu_count() or 1) - 1))
        wanted = settings.get("MINIFY_OUTPUT") or settings.get("PRECOMPRESS_OUTPUT")
        # Like the read-ahead, only for a site large enough that a worker pays for its start.
        many = sum(map(len, preflight.sources(settings).values())) >= settings.get("WORKERS_MIN_FILES", 50)
        self.pool = ProcessPoolExecutor(max_workers=workers) if wanted and workers > 0 and many else None
        self.jobs: dict[str, Future] = {}
        # Paths Pelican may write twice: a write with override_output (a content's own `save_as`, every
        # TEMPLATE_PAGES page) replaces or outlives another write of the same path, perhaps while a
        # worker is at the first. Those are left to the post-build steps.
        self.held = {_posix(dest) for dest in settings.get("TEMPLATE_PAGES", {}).values()}

    def content(self, instance):
        """content_object_init receiver: hold an article's or page's own `save_as`."""
        if hasattr(instance, "override_save_as"):
            self.held.add(_posix(instance.override_save_as))

    def written(self, path, **_):
        """content_written and feed_written receiver."""
        rel = _posix(os.path.relpath(path, self.output))
        if self.pool is not None and rel not in self.held:
            self.jobs[rel] = self.pool.submit(delivery.finish_file, str(path), rel, delivery.finishing(rel, self.settings))

    def finish(self) -> list[Problem]:
        """Wait for every file; the problems found, one per file at most."""
        return [problem for problem in (job.result() for job in self.jobs.values()) if problem is not None]

    def close(self) -> None:
        """Stop the worker; what it has not started is dropped (a failed build's output is discarded)."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    @property
    def done(self) -> frozenset[str]:
        return frozenset(self.jobs)


def _posix(path: str) -> str:
    return Path(path).as_posix().lstrip("/")
