"""Reading ahead in worker processes (clinic.read_ahead) changes how fast a full build is, never what it builds."""

from __future__ import annotations

import concurrent.futures
import logging
from pathlib import Path

import pytest

from clinic import read_ahead
from clinic.build import load_settings
from clinic.text_metadata import TextMetadataMarkdownReader
from conftest import CONTENT, PROD_SETTINGS, run_build

MARKDOWN_FILES = sorted(str(path) for path in CONTENT.rglob("*.md"))


@pytest.fixture(autouse=True)
def typogrify_restored():
    """Reading ahead puts the workers' answers in front of typogrify for the rest of the run (a build)."""
    import typogrify.filters as filters

    original = filters.typogrify
    yield
    filters.typogrify = original


@pytest.fixture
def ahead_settings():
    return load_settings(PROD_SETTINGS, {"READ_AHEAD_MIN_FILES": 0})


def _reader_ahead(settings) -> read_ahead.ReadAheadMarkdownReader:
    """A reader that has started its workers and let them finish, so every read is a worker's result."""
    reader = read_ahead.ReadAheadMarkdownReader(settings)
    reader._ahead = read_ahead._start(reader)
    concurrent.futures.wait(list(reader._ahead.values()))
    return reader


def test_a_full_build_that_reads_ahead_is_byte_for_byte_the_one_that_does_not(site, tmp_path):
    # The session's site has fewer files than READ_AHEAD_MIN_FILES, so Pelican read it alone.
    assert len(MARKDOWN_FILES) < load_settings(PROD_SETTINGS)["READ_AHEAD_MIN_FILES"]
    result = run_build(PROD_SETTINGS, tmp_path / "output", "READ_AHEAD_MIN_FILES=0")
    assert result.returncode == 0, result.stderr
    ahead = {p.relative_to(result.output): p.read_bytes() for p in sorted(result.output.rglob("*")) if p.is_file()}
    alone = {p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    assert sorted(ahead) == sorted(alone)
    assert [path for path in ahead if ahead[path] != alone[path]] == []


def test_the_reader_reads_every_markdown_file_ahead_once_there_are_enough(ahead_settings):
    reader = read_ahead.ReadAheadMarkdownReader(ahead_settings)
    futures = read_ahead._start(reader)
    assert sorted(futures) == MARKDOWN_FILES
    concurrent.futures.wait(list(futures.values()))
    fewer = read_ahead.ReadAheadMarkdownReader({**ahead_settings, "READ_AHEAD_MIN_FILES": len(MARKDOWN_FILES) + 1})
    assert read_ahead._start(fewer) == {}
    cached = read_ahead.ReadAheadMarkdownReader({**ahead_settings, "LOAD_CONTENT_CACHE": True})
    assert read_ahead._start(cached) == {}  # incremental builds read from Pelican's cache instead


def test_every_reader_of_a_run_takes_its_files_from_the_one_set_of_workers(ahead_settings, monkeypatch):
    # Pelican gives the articles and the pages generators a reader each; workers per reader read it all twice.
    started = []
    monkeypatch.setattr(read_ahead, "_start", lambda reader: started.append(reader) or {})
    read_ahead.start_run()
    articles, pages = (read_ahead.ReadAheadMarkdownReader(ahead_settings) for _ in range(2))
    articles.read(MARKDOWN_FILES[0])
    pages.read(MARKDOWN_FILES[-1])
    assert started == [articles]
    read_ahead.start_run()  # the next run starts its own
    pages = read_ahead.ReadAheadMarkdownReader(ahead_settings)
    pages.read(MARKDOWN_FILES[-1])
    assert started == [articles, pages]


def test_each_file_read_by_a_worker_is_what_the_build_process_would_have_read(ahead_settings):
    read_ahead.start_run()
    reader = _reader_ahead(ahead_settings)
    alone = TextMetadataMarkdownReader(ahead_settings)
    for path in MARKDOWN_FILES:
        assert reader.read(path) == alone.read(path), path
    assert reader._ahead == {}


def test_pelican_takes_typogrify_from_the_workers_and_gets_what_it_would_compute(ahead_settings):
    from pelican.contents import Page
    from pelican.readers import Readers

    read_ahead.start_run()
    ahead, alone = Readers(ahead_settings), Readers(ahead_settings)
    reader = _reader_ahead(ahead_settings)  # its first use puts the workers' answers in front of typogrify
    for extension in reader.file_extensions:
        ahead.readers[extension] = reader
        alone.readers[extension] = TextMetadataMarkdownReader(ahead_settings)
    for path in MARKDOWN_FILES:
        rel = str(Path(path).relative_to(CONTENT))
        page = ahead.read_file(str(CONTENT), rel, content_class=Page)
        assert read_ahead._typogrified == {}, f"{rel}: Pelican computed what a worker had already"
        expected = alone.read_file(str(CONTENT), rel, content_class=Page)
        assert (page._content, page.title, page.metadata.get("summary")) == (
            expected._content, expected.title, expected.metadata.get("summary")), rel


def test_a_warning_logged_while_a_worker_reads_is_logged_in_the_build_naming_its_file(ahead_settings, monkeypatch,
                                                                                     caplog):
    original = TextMetadataMarkdownReader.read

    def read_and_warn(self, source_path):
        logging.getLogger("pelican.readers").warning("Duplicate definition of `%s` for %s. Using first one.",
                                                     "tags", source_path)
        return original(self, source_path)

    monkeypatch.setattr(TextMetadataMarkdownReader, "read", read_and_warn)  # inherited by the forked workers
    reader = _reader_ahead(ahead_settings)
    with caplog.at_level(logging.WARNING):
        reader.read(MARKDOWN_FILES[0])
    warnings = [record for record in caplog.records if record.name == "pelican.readers"]
    assert [record.getMessage() for record in warnings] == [
        f"Duplicate definition of `tags` for {MARKDOWN_FILES[0]}. Using first one."]
    assert warnings[0].args[1] == MARKDOWN_FILES[0]  # the build's collector names the file from its arguments


def test_a_file_a_worker_cannot_read_fails_in_the_build_as_it_would_alone(ahead_settings, monkeypatch):
    original = TextMetadataMarkdownReader.read
    broken = MARKDOWN_FILES[-1]

    def read_or_fail(self, source_path):
        if source_path == broken:
            raise ValueError(f"could not parse {Path(source_path).name}")
        return original(self, source_path)

    monkeypatch.setattr(TextMetadataMarkdownReader, "read", read_or_fail)
    reader = _reader_ahead(ahead_settings)
    with pytest.raises(ValueError, match=f"could not parse {Path(broken).name}"):
        reader.read(broken)
