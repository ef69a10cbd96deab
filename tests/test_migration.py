"""scripts/migrate_front_matter.py: every header to YAML front matter, bodies untouched, safe to run again."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import yaml

from clinic.source import front_matter, preflight
from conftest import CONTENT, GOOD_ARTICLE, ROOT

SCRIPT = ROOT / "scripts" / "migrate_front_matter.py"
# The fixture article carries its key points in the older grammar: continuation lines indented by four spaces.
WITH_KEY_POINTS = GOOD_ARTICLE
KEY_POINTS_LINE = GOOD_ARTICLE.splitlines().index(next(l for l in GOOD_ARTICLE.splitlines() if l.startswith("Key_points:"))) + 1


def front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_multi_line_values_become_lists_and_tags_a_list():
    migrated, moved = front_matter.from_meta(WITH_KEY_POINTS)
    fields = front(migrated)
    assert fields["key_points"] == ["Sleep and pain are linked.", "Tell your clinician how you sleep.",
                                    "Good sleep habits may help."]
    assert fields["tags"] == ["sleep", "evidence"]
    assert str(fields["date"]) == "2026-10-01" and fields["reviewer"] == "example-physician"
    # The header reader the rules use sees the same, with each item's key line.
    header, broken = preflight.header(migrated)
    assert broken == [] and header["key_points"][1] == fields["key_points"]
    lines = migrated.splitlines()
    # the old continuation line's item
    assert lines[moved[KEY_POINTS_LINE + 1] - 1] == "  - Tell your clinician how you sleep."


def test_the_body_is_kept_byte_for_byte_and_every_old_line_is_mapped():
    for path in sorted(CONTENT.rglob("*.md")):
        old = path.read_text(encoding="utf-8")
        new, moved = front_matter.from_meta(old)
        old_lines, new_lines = old.splitlines(), new.splitlines()
        body_start = next(n for n, line in enumerate(old_lines, 1) if not line.strip()) if not old.startswith("---") else 1
        for number in range(body_start, len(old_lines) + 1):
            assert new_lines[moved[number] - 1] == old_lines[number - 1], f"{path}:{number}"
        assert new.endswith("\n") == old.endswith("\n")


def test_a_migrated_file_is_left_as_it_is():
    once, _ = front_matter.from_meta(WITH_KEY_POINTS)
    assert front_matter.from_meta(once)[0] == once


def test_values_yaml_would_read_as_something_else_are_quoted_and_read_back_as_written():
    for value in ["Sleep: what helps", "yes", "2026", "#1 question", "'quoted'", "a - b", "null", "@home",
                  "Ketamine & pain", "100% safe?", "[draft]"]:
        migrated, _ = front_matter.from_meta(f"Title: {value}\n\nBody.\n")
        assert front(migrated)["title"] == value, value


def test_a_broken_header_is_named_and_not_migrated(tmp_path):
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "pages").mkdir()
    (content / "articles" / "good.md").write_text(WITH_KEY_POINTS, encoding="utf-8")
    broken = "Title: T\nthis line has no colon\n\nBody.\n"
    (content / "articles" / "broken.md").write_text(broken, encoding="utf-8")
    run = lambda *args: subprocess.run([sys.executable, str(SCRIPT), "--content", str(content), *args],
                                       capture_output=True, text=True, timeout=120)
    checked = run("--check")
    assert checked.returncode == 1 and "good.md: would be migrated" in checked.stdout
    assert (content / "articles" / "good.md").read_text(encoding="utf-8") == WITH_KEY_POINTS
    done = run()
    assert done.returncode == 1, "a file left in the old format is an error"
    assert "broken.md: not migrated, line 2" in done.stderr
    assert (content / "articles" / "broken.md").read_text(encoding="utf-8") == broken
    assert front((content / "articles" / "good.md").read_text(encoding="utf-8"))["key_points"]
    (content / "articles" / "broken.md").unlink()
    assert run().returncode == 0 and run("--check").returncode == 0, "a second run changes nothing"


def test_a_migrated_article_with_key_points_builds_to_the_same_page(fixture_site):
    old = fixture_site({"articles/fixture.md": WITH_KEY_POINTS})
    assert old.returncode == 0, old.stderr
    page = (old.output / "articles" / "fixture-article" / "index.html").read_bytes()
    new = fixture_site({"articles/fixture.md": front_matter.from_meta(WITH_KEY_POINTS)[0]})
    assert new.returncode == 0, new.stderr
    assert (new.output / "articles" / "fixture-article" / "index.html").read_bytes() == page
