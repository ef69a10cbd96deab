"""The output audit (`invoke check`) proves the notices on what readers get, whatever the theme or plugin did."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clinic.audit import Summary, audit_page
from conftest import GOOD_ARTICLE, ROOT

TODAY = 'RULES_TODAY="2026-11-15"'
ARTICLE_PAGE = "articles/fixture-article/index.html"
GUIDE = GOOD_ARTICLE.replace("Category: Chronic Pain", "Category: Guides")  # the category that may carry affiliate links
WITH_AFFILIATE_LINK = GUIDE.replace("Clinicians ask", "A [heat pad](amazon-search:heat+pad) may help. Clinicians ask")
KETAMINE_ARTICLE = GOOD_ARTICLE.replace("Category: Chronic Pain", "Category: IV Ketamine")


def check(output: Path, *args: str) -> subprocess.CompletedProcess:
    """`invoke check`, the command publish and CI run, on a built output directory."""
    invoke = Path(sys.executable).with_name("invoke")
    return subprocess.run([str(invoke), "check", "--output", str(output), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")})


def summary_figures(stdout: str) -> dict[str, int]:
    return {key.strip(): int(value) for key, value in re.findall(r"^([a-z -]+):\s+(\d+)", stdout, re.M)}


def test_invoke_check_on_the_real_build_reports_zero_problems_on_one_screen(site, settings):
    done = check(site)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.strip() == ""
    lines = done.stdout.strip().splitlines()
    assert len(lines) <= 20, "the summary should fit on one screen"
    figures = summary_figures(done.stdout)
    pages = list(site.rglob("*.html"))
    assert figures["pages checked"] == len(pages)
    assert figures["problems"] == 0
    assert figures["disclaimers shown"] >= len(pages), "every page shows a disclaimer (feeds add more)"
    assert figures["affiliate links"] > 0 and figures["affiliate notices"] > 0
    assert figures["off-label notices"] > 0


def test_invoke_check_refuses_a_directory_with_no_site(tmp_path):
    done = check(tmp_path)
    assert done.returncode != 0
    assert ": check-output: " in done.stderr and "Traceback" not in done.stderr


# --- A theme that drops a notice is caught by the audit, by rule id and file ----------------------------

def _replace(old: str, new: str):
    def mutate(text: str) -> str:
        assert old in text, f"the theme no longer contains {old!r}; update this test"
        return text.replace(old, new, 1)
    return mutate


BROKEN_THEMES = {
    "the affiliate notice partial is emptied": (
        "partials/affiliate_notice.html", lambda text: "", WITH_AFFILIATE_LINK, ARTICLE_PAGE, "affiliate-notice"),
    "the affiliate notice is collapsed in a details element": (
        "partials/affiliate_notice.html", lambda text: f"<details><summary>Notice</summary>{text}</details>",
        WITH_AFFILIATE_LINK, ARTICLE_PAGE, "affiliate-notice"),
    "the article disclaimer partial is emptied": (
        "partials/disclaimer.html", lambda text: "", GOOD_ARTICLE, ARTICLE_PAGE, "disclaimer-missing"),
    "the footer drops the short disclaimer": (
        "partials/footer.html", _replace("{{ MEDICAL_DISCLAIMER_SHORT }}", ""), GOOD_ARTICLE, "index.html",
        "disclaimer-missing"),
    "the off-label notice partial is emptied": (
        "partials/offlabel_notice.html", lambda text: "", KETAMINE_ARTICLE, ARTICLE_PAGE, "offlabel-missing"),
    "a web font is loaded from another origin": (
        "base.html", _replace("</head>", '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Lato">\n</head>'),
        GOOD_ARTICLE, "index.html", "privacy-external"),
    "an analytics snippet is added": (
        "base.html", _replace("</head>", "<script>window.dataLayer=[];function gtag(){dataLayer.push(arguments)}</script>\n</head>"),
        GOOD_ARTICLE, "index.html", "privacy-tracking"),
    "an outbound link sends a referrer": (
        "base.html", _replace("</body>", '<a href="https://social.example/clinic">Follow us</a>\n</body>'),
        GOOD_ARTICLE, "index.html", "privacy-referrer"),
}


def test_a_stylesheet_that_loads_a_font_from_another_origin_is_caught(fixture_site, theme_copy):
    sheet = theme_copy / "static" / "css" / "site.css"
    sheet.write_text('@import url("https://fonts.googleapis.com/css2?family=Lato");\n' + sheet.read_text(encoding="utf-8"),
                     encoding="utf-8")
    result = fixture_site({"articles/fixture.md": GOOD_ARTICLE}, TODAY, theme=theme_copy)
    assert result.returncode == 1
    assert any(re.match(r"^theme/css/[^:]*\.css:1: privacy-external: ", line) for line in result.lines), result.stderr


@pytest.mark.parametrize("case", sorted(BROKEN_THEMES))
def test_a_theme_that_breaks_a_notice_is_caught_by_rule_id_and_file(fixture_site, theme_copy, case):
    template, mutate, article, page, rule = BROKEN_THEMES[case]
    path = theme_copy / "templates" / template
    path.write_text(mutate(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = fixture_site({"articles/fixture.md": article}, TODAY, theme=theme_copy)
    assert result.returncode == 1, result.stderr
    assert any(re.match(rf"^{re.escape(page)}:\d+: {re.escape(rule)}: .+; .+", line) for line in result.lines), result.stderr
    assert not result.output.exists()


def test_the_unbroken_theme_passes_the_audit_with_each_fixture(fixture_site):
    for article in (WITH_AFFILIATE_LINK, KETAMINE_ARTICLE):
        result = fixture_site({"articles/fixture.md": article}, TODAY)
        assert result.returncode == 0, result.stderr


def test_an_affiliate_link_wrapping_a_store_image_is_refused(fixture_site):
    article = GUIDE.replace("Clinicians ask", '<a href="https://www.amazon.com/dp/B0IMAGE">'
                                   '<img src="{static}/images/pad.svg" alt="A heat pad"></a> Clinicians ask')
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'
    result = fixture_site({"articles/fixture.md": article, "images/pad.svg": svg}, TODAY)
    assert result.returncode == 1
    # The build's own rule names the Markdown line; the audit's (on the built page) is tested on tampered output.
    assert any(re.match(r"^\S*content/articles/fixture\.md:12: affiliate-plain-text: ", line) for line in result.lines), result.stderr


def test_the_notices_in_settings_say_what_the_rules_require(settings):
    assert "As an Amazon Associate I earn from qualifying purchases." in settings["AFFILIATE_NOTICE"]
    disclaimer = settings["MEDICAL_DISCLAIMER"].lower()
    assert "education" in disclaimer and "not medical advice" in disclaimer and "clinician" in disclaimer
    assert "911" in settings["EMERGENCY_NOTICE"] and "988 Suicide & Crisis Lifeline" in settings["EMERGENCY_NOTICE"]
    assert "anesthetic" in settings["OFFLABEL_NOTICE"] and "off-label" in settings["OFFLABEL_NOTICE"]


def test_every_real_article_shows_the_emergency_notice_in_its_body_area(site, settings):
    from bs4 import BeautifulSoup

    from clinic.audit import normalise

    pages = sorted((site / "articles").glob("*/index.html"))
    assert len(pages) >= 7
    for page in pages:
        main = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("main")
        assert normalise(settings["EMERGENCY_NOTICE"]) in normalise(main.get_text(" ")), page


# --- Tampered output: what a reader gets is checked, not what the plugin meant --------------------------

@pytest.fixture
def site_copy(site, tmp_path) -> Path:
    copy = tmp_path / "output"
    shutil.copytree(site, copy)
    return copy


def _tamper(path: Path, old: str, new: str, count: int = -1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _problem_lines(done, rel: str, rule: str) -> list[str]:
    return [line for line in done.stderr.splitlines() if re.match(rf"^{re.escape(rel)}:\d+: {re.escape(rule)}: ", line)]


@pytest.mark.parametrize("feed", ["feeds/all.atom.xml", "feeds/all.rss.xml"])
def test_a_feed_entry_without_the_disclaimer_is_caught(site_copy, settings, feed):
    first_sentence = settings["MEDICAL_DISCLAIMER"].split(". ")[0]
    _tamper(site_copy / feed, first_sentence, "Read on", count=1)
    done = check(site_copy)
    assert done.returncode == 1
    assert len(_problem_lines(done, feed, "disclaimer-missing")) == 1, done.stderr


@pytest.mark.parametrize("rel", ["articles/home-comfort-product-guide/index.html", "feeds/all.atom.xml"])
def test_an_affiliate_link_stripped_of_its_rel_is_caught_in_pages_and_feeds(site_copy, rel):
    path = site_copy / rel
    text = path.read_text(encoding="utf-8")
    stripped = re.sub(r'\srel="[^"]*sponsored[^"]*"', "", text, count=1)
    assert stripped != text
    path.write_text(stripped, encoding="utf-8")
    done = check(site_copy)
    assert done.returncode == 1
    assert _problem_lines(done, rel, "affiliate-rel"), done.stderr


# --- Visibility: a notice a reader cannot see does not count ---------------------------------------------

@pytest.mark.parametrize("wrapper", ['<div hidden>{}</div>', '<div class="visually-hidden">{}</div>',
                                     '<p style="display: none">{}</p>', "<details><summary>More</summary>{}</details>",
                                     "<footer>{}</footer>"])
def test_a_notice_a_reader_cannot_see_does_not_count(settings, wrapper):
    notice = wrapper.format(settings["AFFILIATE_NOTICE"])
    link = '<a href="https://www.amazon.com/dp/X" rel="sponsored nofollow noopener noreferrer">x</a>'
    summary = Summary()
    audit_page("p/index.html", f"<main>{notice}<p>{link}</p></main><footer>{settings['MEDICAL_DISCLAIMER_SHORT']}</footer>",
               settings, False, summary)
    assert [p.rule for p in summary.problems] == ["affiliate-notice"]


def test_a_notice_after_the_first_link_does_not_count(settings):
    link = '<a href="https://amzn.to/x" rel="sponsored nofollow noopener noreferrer">x</a>'
    summary = Summary()
    audit_page("p/index.html", f"<main><p>{link}</p><p>{settings['AFFILIATE_NOTICE']}</p></main>"
                               f"<footer>{settings['MEDICAL_DISCLAIMER_SHORT']}</footer>", settings, False, summary)
    assert [p.rule for p in summary.problems] == ["affiliate-notice"]
    summary = Summary()
    audit_page("p/index.html", f"<main><p>{settings['AFFILIATE_NOTICE']}</p><p>{link}</p></main>"
                               f"<footer>{settings['MEDICAL_DISCLAIMER_SHORT']}</footer>", settings, False, summary)
    assert summary.problems == [] and summary.notices_shown == 1


def test_the_audit_reads_nothing_under_the_search_index_which_pagefind_writes_meanwhile(tmp_path, settings):
    from clinic.audit import read_output

    (tmp_path / "pagefind").mkdir()
    (tmp_path / "pagefind" / "pagefind-ui.css").write_text("@import url(https://cdn.example/ui.css);")
    (tmp_path / "pagefind" / "stray.html").write_text("<p>No disclaimer here.</p>")
    (tmp_path / "theme").mkdir()
    (tmp_path / "theme" / "site.css").write_text("body{color:black}")
    snapshot = read_output(tmp_path, settings)
    assert [rel for rel, _ in snapshot.stylesheets] == ["theme/site.css"]
    assert snapshot.pages == []


def test_a_snapshot_shared_between_processes_gives_each_file_to_exactly_one_of_them(tmp_path, settings):
    from clinic.audit import Snapshot, audit_snapshot

    pages = [("page", f"p{i}/index.html", b"<html><body><main></main></body></html>", False, False) for i in range(5)]
    snapshot = Snapshot(pages, [("feed", "feeds/all.atom.xml", b"<feed/>", False, False)], [("site.css", "a{}")])
    parts = snapshot.parts(2)
    assert sorted(job[1] for part in parts for job in part.pages) == sorted(job[1] for job in pages)
    assert [len(part.feeds) for part in parts] == [1, 0] and [len(part.stylesheets) for part in parts] == [1, 0]
    # Each part is audited on its own: a page without the footer disclaimer is caught in whichever part it is.
    found = [p.path for part in parts for p in audit_snapshot(part, settings).problems if p.rule == "disclaimer-missing"]
    assert sorted(found) == sorted(job[1] for job in pages)
