"""Production builds: minify and compress each page and feed as Pelican writes it, in a process of its own.

Pelican renders and writes on one core while the others wait, and minifying and compressing every page
and feed afterwards held up the end of the build (minify-html needs the GIL; benchmarks/build.py
--profile). A process forked when Pelican starts receives each path Pelican writes (content_written,
feed_written) and minifies and compresses it while Pelican renders the next. At `finalized` the build
waits for it; the post-build steps (assets.minify_output, assets.precompress_output) then do only the
files it did not see: theme files, static files, the sitemap, the search index.

Only where fork is available, and only when the settings ask for minified or compressed output.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import forking
from .problems import Problem


@dataclass
class Streamed:
    """What the stream did to one output folder: files minified, files compressed, store keys used."""
    minified: set[str] = field(default_factory=set)
    compressed: set[str] = field(default_factory=set)
    store_keys: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


# By resolved OUTPUT_PATH: the running stream, then what it did.
_running: dict[str, "_Stream"] = {}
_finished: dict[str, Streamed] = {}


def start(pelican) -> None:
    """initialized handler."""
    settings = pelican.settings
    output = forking.output_key(settings["OUTPUT_PATH"])
    _finished.pop(output, None)
    stop(output)
    if (settings.get("MINIFY_OUTPUT") or settings.get("PRECOMPRESS_OUTPUT")) and forking.available():
        _running[output] = _Stream(Path(settings["OUTPUT_PATH"]), settings)


def written(path, context=None, **_) -> None:
    """content_written and feed_written handler."""
    stream = _running.get(forking.output_key(context["OUTPUT_PATH"])) if context else None
    if stream is not None:
        stream.send(str(path))


def finish(pelican) -> None:
    """finalized handler: wait for the stream to do the last file Pelican wrote."""
    stream = _running.pop(forking.output_key(pelican.settings["OUTPUT_PATH"]), None)
    if stream is not None:
        _finished[forking.output_key(pelican.settings["OUTPUT_PATH"])] = stream.close()


def stop(output) -> None:
    """End a stream that Pelican will not finish (a rule failed, Pelican raised): its output is discarded."""
    stream = _running.pop(forking.output_key(output), None)
    if stream is not None:
        forking.end(stream.process)


def running(output) -> bool:
    """Whether a stream is minifying and compressing what Pelican writes in `output` now."""
    return forking.output_key(output) in _running


def streamed(output) -> Streamed:
    """What the stream did in `output` during the last Pelican run there (nothing, without a stream)."""
    return _finished.get(forking.output_key(output), Streamed())


class _Stream:
    def __init__(self, output: Path, settings: dict):
        context = forking.context()
        self.paths, self.results = context.SimpleQueue(), context.SimpleQueue()
        self.process = context.Process(target=_work, args=(output, settings, self.paths, self.results), daemon=True)
        self.process.start()

    def send(self, path: str) -> None:
        self.paths.put(path)

    def close(self) -> Streamed:
        self.paths.put(None)
        done = self.results.get()
        self.process.join()
        return done


def _work(output: Path, settings: dict, paths, results) -> None:
    """In the stream's process: minify, then compress, each path until None; then report what was done."""
    from . import assets

    done = Streamed()
    store = assets.precompress_store(settings)
    for path in iter(paths.get, None):
        rel = Path(os.path.relpath(os.path.realpath(path), os.path.realpath(output))).as_posix()
        path = Path(path)
        if settings.get("MINIFY_OUTPUT") and path.suffix in assets.MINIFIERS:
            done.minified.add(rel)  # tried: a file the minifier cannot read is reported once, from here
            problem = assets.minify_file(path, rel)
            if problem is not None:
                done.problems.append(problem)
                continue
        if settings.get("PRECOMPRESS_OUTPUT") and path.suffix in assets.TEXT_SUFFIXES:
            done.store_keys.add(assets.precompress_file(path, assets.page_quality(settings), store))
            done.compressed.add(rel)
    results.put(done)
