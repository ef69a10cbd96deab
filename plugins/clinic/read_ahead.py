"""Full builds: read the Markdown files in worker processes ahead of Pelican, which reads one at a time.

Reading (Markdown, then typogrify) was most of a full build, and Pelican does it on one core while the
others wait (benchmarks/build.py --profile). At Pelican's first read, this reader forks workers that
read every Markdown file under PATH, and typogrify each text the way Pelican is about to, while Pelican
goes on. When Pelican asks for a file, it takes the worker's result; a file no worker has started yet
it reads itself. The results are the ones Pelican would have computed: the same reader class, code and
settings, inherited through fork. Log records a worker's read emits are handed back and logged again in
the build process, so its warnings still fail the build, naming their file.

Only when the content cache is off (incremental builds read from Pelican's cache instead), where fork is
available (forking.py), and for at least READ_AHEAD_MIN_FILES files: below that, starting workers costs more
than it saves.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ProcessPoolExecutor

from pelican.readers import MarkdownReader

from . import forking
from .text_metadata import TextMetadataMarkdownReader

# This run's typogrify results from the workers, by (text, arguments, smartypants' attributes).
_typogrified: dict[tuple, str] = {}
# What the forked workers read with: set just before the fork, inherited, never pickled.
_worker_reader: TextMetadataMarkdownReader | None = None
# This run's workers' results, {absolute path: future}, shared by every reader of the run: Pelican gives
# each generator its own readers, and the pages' reader starting workers of its own read every file again
# (10 processor seconds of 1,000 articles, beside the rest of the build, for 6 pages).
_run_ahead: dict | None = None


class ReadAheadMarkdownReader(TextMetadataMarkdownReader):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._ahead: dict | None = None

    def read(self, source_path):
        if self._ahead is None:
            self._ahead = _this_run(self)
        future = self._ahead.pop(os.path.abspath(source_path), None)
        if future is None or future.cancel():
            return super().read(source_path)
        content, metadata, typogrified, records = future.result()
        _typogrified.update(typogrified)
        forking.replay(records)
        return content, metadata


def use_read_ahead_reader(readers) -> None:
    """readers_init handler: read every Markdown extension with this reader (a TextMetadataMarkdownReader)."""
    for extension in MarkdownReader.file_extensions:
        if readers.reader_classes.get(extension) is MarkdownReader:
            readers.reader_classes[extension] = ReadAheadMarkdownReader


def start_run(pelican=None) -> None:
    global _run_ahead
    for future in (_run_ahead or {}).values():
        future.cancel()
    _run_ahead = None
    _typogrified.clear()


def _this_run(reader) -> dict:
    global _run_ahead
    if _run_ahead is None:
        _run_ahead = _start(reader)
    return _run_ahead


def typogrified(original, text, *args, **kwargs):
    """typogrify, answered from the workers' results when they hold this exact call."""
    found = _typogrified.pop(_key(text, args, kwargs), None) if _typogrified else None
    return found if found is not None else original(text, *args, **kwargs)


def _key(text, args, kwargs) -> tuple:
    import smartypants

    return text, repr(args), repr(sorted(kwargs.items())), int(smartypants.Attr.default)


def _start(reader) -> dict:
    """{absolute path: future} for every Markdown file under PATH, or {} when reading ahead does not pay."""
    global _worker_reader
    settings = reader.settings
    if settings.get("LOAD_CONTENT_CACHE") or not forking.available():
        return {}
    paths = sorted(os.path.join(folder, name) for folder, _, names in os.walk(settings["PATH"], followlinks=True)
                   for name in names if name.rpartition(".")[2] in reader.file_extensions)
    if len(paths) < settings.get("READ_AHEAD_MIN_FILES", 50):
        return {}
    _worker_reader = reader
    _answer_typogrify_from_workers()
    workers = max(1, (os.cpu_count() or 1) - 1)  # the build process reads too
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=forking.context())
    futures = {os.path.abspath(path): pool.submit(_read, path) for path in paths}
    pool.shutdown(wait=False)  # the workers stop once every file is read; nothing else to clean up
    return futures


def _answer_typogrify_from_workers() -> None:
    """Pelican looks typogrify up at each call; the next run's typogrify_cache.use_cache_for_run unwraps it."""
    import typogrify.filters as filters

    current = filters.typogrify
    filters.typogrify = functools.wraps(current)(functools.partial(typogrified, current))


def _read(path: str):
    """In a worker: what Pelican's read_file would get from the reader and from typogrify, and the log."""
    reader = _worker_reader
    with forking.kept_log() as records:
        content, metadata = TextMetadataMarkdownReader.read(reader, path)
        typogrified = _typogrify_like_pelican([content, metadata.get("title"), metadata.get("summary")],
                                              reader.settings)
    return content, metadata, typogrified, records


def _typogrify_like_pelican(texts, settings) -> dict:
    """Typogrify each text with the arguments and smartypants attributes Pelican's read_file uses."""
    if not settings.get("TYPOGRIFY"):
        return {}
    import smartypants
    from typogrify.filters import typogrify

    dashes = settings["TYPOGRIFY_DASHES"]
    smartypants.Attr.default = {"oldschool": smartypants.Attr.set2,
                                "oldschool_inverted": smartypants.Attr.set3}.get(dashes, smartypants.Attr.set1)
    smartypants.Attr.default |= smartypants.Attr.w
    args = (settings["TYPOGRIFY_IGNORE_TAGS"],)
    kwargs = dict.fromkeys(settings["TYPOGRIFY_OMIT_FILTERS"], False)
    return {_key(text, args, kwargs): typogrify(text, *args, **kwargs) for text in texts if isinstance(text, str) and text}
