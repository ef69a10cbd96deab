"""Share Pelican's writing with a forked process: the feeds, and article pages from the last one back.

Pelican writes on one core (benchmarks/build.py --profile). Once every generator has its context and the
intersite links are refreshed (get_writer, the last signal before writing), a process forked from the
build writes the feeds, with Pelican's own ArticlesGenerator.generate_feeds and Writer, their signals
(notices, the output stream) answered there; every article is in four feeds, in full, and nothing a
page shows depends on them. Then it renders article pages, from the last one back, while this process
writes them from the first: each claims a page before rendering it, and they meet wherever their other
work lets them. For a page the helper rendered, the article template here returns its text instead of
rendering (AheadTemplate), so this process still writes every page and sends every content_written signal
(the sitemap and the output stream hear them here, in order). The articles generator waits for the helper when
its own writing is done (article_writer_finalized) and logs its log records here, so a warning there
still fails the build.

What the helper renders is what Pelican would: the same templates, context and Writer.write_file, in a
copy of this process taken after the last change to them. Only where fork is available (forking.py);
elsewhere Pelican does all of it here, in its own order.
"""

from __future__ import annotations

import io
import logging
import os
import queue
from functools import partial
from itertools import chain

from jinja2 import Template
from pelican import signals
from pelican.generators import ArticlesGenerator
from pelican.writers import Writer

from . import forking, output_stream

logger = logging.getLogger(__name__)

MAIN, HELPER = 1, 2

# By resolved OUTPUT_PATH: this run's articles generator until the fork, then its helper.
_generators: dict[str, ArticlesGenerator] = {}
_helpers: dict[str, "_Helper"] = {}


class AheadTemplate(Template):
    """A template whose page the helper may already have rendered."""

    def render(self, *args, **kwargs):
        context = args[0] if args and isinstance(args[0], dict) else kwargs
        helper = _helpers.get(forking.output_key(context.get("OUTPUT_PATH", "")))
        found = helper.rendered(context.get("output_file")) if helper is not None else None
        return found if found is not None else super().render(*args, **kwargs)


def use_ahead_templates(generator) -> None:
    """generator_init handler: before any template is loaded."""
    generator.env.template_class = AheadTemplate


def remember_generator(generators) -> None:
    """all_generators_finalized handler."""
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            _generators[forking.output_key(generator.output_path)] = generator


def start(pelican) -> None:
    """get_writer handler: fork the helper. Returns no writer, so Pelican keeps its own."""
    key = forking.output_key(pelican.output_path)
    generator = _generators.pop(key, None)
    stop(key)
    if generator is not None and forking.available():
        _helpers[key] = _Helper(generator)
        generator.generate_feeds = _written_apart  # this run's generate_output writes only the pages
        if not output_stream.running(key):
            # Without the output stream (development, livereload) the helper's core is its own, and the
            # build writes the listings first so the two share the articles evenly. With it (production)
            # the helper shares its core with the stream, and takes the smaller share Pelican's own order
            # (articles first) leaves it.
            generator.generate_pages = partial(_listings_then_articles, generator)
    return None


def finish(generator, writer=None) -> None:
    """article_writer_finalized handler: wait for the helper, and log what it logged."""
    helper = _helpers.pop(forking.output_key(generator.output_path), None)
    if helper is not None:
        helper.close()


def stop(output) -> None:
    """End a helper that Pelican will not wait for (it stopped early): its output is discarded."""
    helper = _helpers.pop(forking.output_key(output), None)
    if helper is not None:
        forking.end(helper.process)


def _written_apart(writer) -> None:
    pass


def _listings_then_articles(generator: ArticlesGenerator, writer) -> None:
    """ArticlesGenerator.generate_pages with the article pages last: the helper renders them from the other
    end meanwhile, so the two meet wherever their other work (the feeds there, the listings here) lets
    them. Each page sets the context's localsiteurl for itself, so the order changes no page; the sitemap
    sorts what it is told."""
    write = partial(writer.write_file, relative_urls=generator.settings["RELATIVE_URLS"])
    for step in (generator.generate_period_archives, generator.generate_direct_templates, generator.generate_tags,
                 generator.generate_categories, generator.generate_authors, generator.generate_drafts,
                 generator.generate_articles):
        step(write)


def articles_in_order(generator: ArticlesGenerator) -> list:
    """The articles generate_articles writes, in its order; only those whose page no other shares."""
    everything = list(chain(generator.translations, generator.articles, generator.hidden_translations,
                            generator.hidden_articles))
    names = [article.save_as for article in everything]
    return [article for article in everything if article.save_as and names.count(article.save_as) == 1]


class _Helper:
    def __init__(self, generator: ArticlesGenerator):
        context = forking.context()
        self.articles = articles_in_order(generator)
        self.index = {article.save_as: i for i, article in enumerate(self.articles)}
        self.claims = context.Array("b", len(self.articles))  # MAIN or HELPER, under its lock
        self.results = context.Queue()
        self.received: dict[str, str] = {}
        self.records = None
        self.process = context.Process(target=self._work, args=(generator,), daemon=True)
        self.process.start()

    def rendered(self, name) -> str | None:
        """The helper's text for `name`, or None: this process renders it (and claims it)."""
        i = self.index.get(name)
        if i is None:
            return None
        with self.claims.get_lock():
            if not self.claims[i]:
                self.claims[i] = MAIN
                return None
        while name not in self.received:
            if not self._receive():
                return None  # the helper stopped; close() reports why
        return self.received.pop(name)

    def close(self) -> None:
        while self.records is None and self._receive():
            pass
        self.process.join()
        if self.records is None:
            logger.error("The process writing the feeds and pages stopped before it finished (exit code %s)",
                         self.process.exitcode)
        forking.replay(self.records or [])

    def _receive(self) -> bool:
        """Take the helper's next message; False once it has none to give."""
        while True:
            try:
                kind, name, value = self.results.get(timeout=1)
                break
            except queue.Empty:  # still working, unless it died
                if not self.process.is_alive() and self.results.empty():
                    return False
        if kind == "page":
            self.received[name] = value
        else:
            self.records = value
        return kind == "page"

    # --- in the helper ----------------------------------------------------------------------------

    def _work(self, generator: ArticlesGenerator) -> None:
        with forking.kept_log() as records:
            try:
                generator.generate_feeds(Writer(generator.output_path, settings=generator.settings))
                self._render_from_the_end(generator)
            except Exception as error:  # noqa: BLE001 - logged, so it fails the build as it would in Pelican
                logger.error("Could not write the feeds and pages (%s: %s)", type(error).__name__, error,
                             exc_info=True)
        self.results.put(("log", None, records))
        self.results.close()
        self.results.join_thread()

    def _render_from_the_end(self, generator: ArticlesGenerator) -> None:
        writer = _Keeping(generator.output_path, generator.settings, self.results)
        write = partial(writer.write_file, relative_urls=generator.settings["RELATIVE_URLS"])
        # generate_articles writes every article in these four lists; here it is given one at a time, so
        # the page is rendered exactly as Pelican renders it (this process is a copy, gone when done).
        generator.translations, generator.hidden_translations, generator.hidden_articles = [], [], []
        with signals.content_written.muted():  # this process only renders; the build writes and signals
            for i in reversed(range(len(self.articles))):
                with self.claims.get_lock():
                    if self.claims[i]:
                        return  # the build process has come this far
                    self.claims[i] = HELPER
                generator.articles = [self.articles[i]]
                generator.generate_articles(write)


class _Keeping(Writer):
    """Pelican's Writer, sending what it would write to the build process instead of writing it."""

    def __init__(self, output_path, settings, results):
        super().__init__(output_path, settings=settings)
        self.results = results

    def _open_w(self, filename, encoding, override=False):
        return _Sent(os.path.relpath(filename, self.output_path).replace(os.sep, "/"), self.results)


class _Sent(io.StringIO):
    def __init__(self, name: str, results):
        super().__init__()
        self.name, self.results = name, results

    def close(self):
        self.results.put(("page", self.name, self.getvalue()))
        super().close()
