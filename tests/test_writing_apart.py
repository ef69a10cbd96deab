"""Sharing Pelican's writing with a forked helper (clinic.writing_apart) changes how fast a build is, never
what it builds, and a problem in the helper fails the build as it would in Pelican."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from clinic import build, forking, writing_apart
from conftest import PROD_SETTINGS, ROOT

DEV_SETTINGS = ROOT / "pelicanconf.py"

BUILD_PROCESS = os.getpid()


def _build(tmp_path: Path, name: str, settings_file=PROD_SETTINGS) -> int:
    return build.build(settings_file, tmp_path / name,
                       overrides={"CACHE_PATH": str(tmp_path / f"cache-{name}")})


def _files(output: Path) -> dict:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def in_the_repository(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("settings_file", [PROD_SETTINGS, DEV_SETTINGS], ids=["production", "development"])
def test_a_build_that_shares_its_writing_is_byte_for_byte_one_that_does_not(tmp_path, monkeypatch, settings_file):
    taken = []
    original_render, original_rendered = writing_apart.AheadTemplate.render, writing_apart._Helper.rendered

    def slow_here(self, *args, **kwargs):
        if os.getpid() == BUILD_PROCESS and args and str(args[0].get("output_file", "")).startswith("articles/"):
            time.sleep(0.2)  # so the helper, done with the feeds, renders some of these 7 articles
        return original_render(self, *args, **kwargs)

    def counted(self, name):
        text = original_rendered(self, name)
        taken.extend([name] if text is not None else [])
        return text

    monkeypatch.setattr(writing_apart.AheadTemplate, "render", slow_here)
    monkeypatch.setattr(writing_apart._Helper, "rendered", counted)
    assert _build(tmp_path, "shared", settings_file) == 0
    assert taken, "the helper rendered none of the articles"
    monkeypatch.setattr(forking, "available", lambda: False)
    assert _build(tmp_path, "alone", settings_file) == 0
    shared, alone = _files(tmp_path / "shared"), _files(tmp_path / "alone")
    assert sorted(shared) == sorted(alone)
    assert [path for path in shared if shared[path] != alone[path]] == []


def test_a_warning_while_writing_a_feed_fails_the_build_naming_the_helper_that_wrote_it(tmp_path, monkeypatch,
                                                                                         capsys):
    from pelican.writers import Writer

    original = Writer.write_feed

    def write_and_warn(self, elements, context, path=None, *args, **kwargs):
        import logging

        logging.getLogger("pelican.writers").warning("Feed %s written in process %s", path, os.getpid())
        return original(self, elements, context, path, *args, **kwargs)

    monkeypatch.setattr(Writer, "write_feed", write_and_warn)
    assert _build(tmp_path, "output") == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if "written in process" in line]
    assert lines and all(f"process {BUILD_PROCESS}" not in line for line in lines), lines
    assert not (tmp_path / "output").exists()


def test_an_error_in_the_helper_fails_the_build_with_one_line(tmp_path, monkeypatch, capsys):
    from pelican.writers import Writer

    def broken(self, *args, **kwargs):
        raise RuntimeError("the feed writer broke")

    monkeypatch.setattr(Writer, "write_feed", broken)
    assert _build(tmp_path, "output") == 1
    err = capsys.readouterr().err
    assert "Could not write the feeds and pages (RuntimeError: the feed writer broke)" in err
    assert "Traceback" not in err
    assert not (tmp_path / "output").exists()


def test_a_helper_that_dies_fails_the_build_with_one_line(tmp_path, monkeypatch, capsys):
    from pelican.writers import Writer

    def dies(self, *args, **kwargs):
        os._exit(3)

    monkeypatch.setattr(Writer, "write_feed", dies)
    assert _build(tmp_path, "output") == 1
    err = capsys.readouterr().err
    assert "stopped before it finished (exit code 3)" in err
    assert "Traceback" not in err
