"""The output audit (`invoke check`) proves the notices on what readers get, whatever the theme or plugin did."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clinic.audit.checks import Summary, audit_page
from conftest import FIRST_NEW_LINE, GOOD_ARTICLE, ROOT, site_pages

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
    pages = site_pages(site)
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
    line = FIRST_NEW_LINE - 2  # the fixture's paragraph
    assert any(re.match(rf"^\S*content/articles/fixture\.md:{line}: affiliate-plain-text: ", found) for found in result.lines), result.stderr


def test_the_notices_in_settings_say_what_the_rules_require(settings):
    assert "As an Amazon Associate I earn from qualifying purchases." in settings["AFFILIATE_NOTICE"]
    disclaimer = settings["MEDICAL_DISCLAIMER"].lower()
    assert "education" in disclaimer and "not medical advice" in disclaimer and "clinician" in disclaimer
    assert "911" in settings["EMERGENCY_NOTICE"] and "988 Suicide & Crisis Lifeline" in settings["EMERGENCY_NOTICE"]
    assert "anesthetic" in settings["OFFLABEL_NOTICE"] and "off-label" in settings["OFFLABEL_NOTICE"]


def test_every_real_article_shows_the_emergency_notice_in_its_body_area(site, settings):
    from bs4 import BeautifulSoup

    from clinic.audit.checks import normalise

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

def _head(settings) -> str:
    """The <head> every page carries (csp-missing otherwise), for the pages these tests write by hand."""
    from clinic.headers import meta_policy

    return f'<head><meta http-equiv="Content-Security-Policy" content="{meta_policy(settings)}"></head>'


@pytest.mark.parametrize("wrapper", ['<div hidden>{}</div>', '<div class="visually-hidden">{}</div>',
                                     '<p style="display: none">{}</p>', "<details><summary>More</summary>{}</details>",
                                     "<footer>{}</footer>"])
def test_a_notice_a_reader_cannot_see_does_not_count(settings, wrapper):
    notice = wrapper.format(settings["AFFILIATE_NOTICE"])
    link = '<a href="https://www.amazon.com/dp/X" rel="sponsored nofollow noopener noreferrer">x</a>'
    summary = Summary()
    audit_page("p/index.html", f"{_head(settings)}<main>{notice}<p>{link}</p></main><footer>{settings['MEDICAL_DISCLAIMER_SHORT']}</footer>",
               settings, False, summary)
    assert [p.rule for p in summary.problems] == ["affiliate-notice"]


def test_a_notice_after_the_first_link_does_not_count(settings):
    link = '<a href="https://amzn.to/x" rel="sponsored nofollow noopener noreferrer">x</a>'
    summary = Summary()
    audit_page("p/index.html", f"{_head(settings)}<main><p>{link}</p><p>{settings['AFFILIATE_NOTICE']}</p></main>"
                               f"<footer>{settings['MEDICAL_DISCLAIMER_SHORT']}</footer>", settings, False, summary)
    assert [p.rule for p in summary.problems] == ["affiliate-notice"]
    summary = Summary()
    audit_page("p/index.html", f"{_head(settings)}<main><p>{settings['AFFILIATE_NOTICE']}</p><p>{link}</p></main>"
                               f"<footer>{settings['MEDICAL_DISCLAIMER_SHORT']}</footer>", settings, False, summary)
    assert summary.problems == [] and summary.notices_shown == 1


def test_the_audit_reads_nothing_under_the_search_index_which_pagefind_writes_meanwhile(tmp_path, settings):
    from clinic.audit.checks import read_output

    (tmp_path / "pagefind").mkdir()
    (tmp_path / "pagefind" / "pagefind-ui.css").write_text("@import url(https://cdn.example/ui.css);")
    (tmp_path / "pagefind" / "stray.html").write_text("<p>No disclaimer here.</p>")
    (tmp_path / "theme").mkdir()
    (tmp_path / "theme" / "site.css").write_text("body{color:black}")
    snapshot = read_output(tmp_path, settings)
    assert [rel for rel, _ in snapshot.stylesheets] == ["theme/site.css"]
    assert snapshot.pages == []


def test_a_snapshot_shared_between_processes_gives_each_file_to_exactly_one_of_them(tmp_path, settings):
    from clinic.audit.checks import Snapshot, audit_snapshot

    pages = [("page", f"p{i}/index.html", b"<html><body><main></main></body></html>", False, False) for i in range(5)]
    snapshot = Snapshot(pages, [("feed", "feeds/all.atom.xml", b"<feed/>", False, False)], [("site.css", "a{}")])
    parts = snapshot.parts(2)
    assert sorted(job[1] for part in parts for job in part.pages) == sorted(job[1] for job in pages)
    assert [len(part.feeds) for part in parts] == [1, 0] and [len(part.stylesheets) for part in parts] == [1, 0]
    # Each part is audited on its own: a page without the footer disclaimer is caught in whichever part it is.
    found = [p.path for part in parts for p in audit_snapshot(part, settings).problems if p.rule == "disclaimer-missing"]
    assert sorted(found) == sorted(job[1] for job in pages)


# --- Listings and feeds: every kind Pelican writes, found where the settings put them --------------------
# Feeds and listings moved away from Pelican's and the site's defaults, so that a path written into the
# audit would miss them.
MOVED = {
    "FEED_ATOM": "syndication/main.atom.xml", "FEED_RSS": "syndication/main.rss.xml",
    "FEED_ALL_ATOM": "syndication/everything.atom", "FEED_ALL_RSS": "syndication/everything.rss",
    "CATEGORY_FEED_ATOM": "syndication/topic/{slug}.atom.xml", "CATEGORY_FEED_RSS": "syndication/topic/{slug}.rss.xml",
    "AUTHOR_FEED_ATOM": "syndication/by/{slug}.atom.xml", "AUTHOR_FEED_RSS": "syndication/by/{slug}.rss.xml",
    "TAG_FEED_ATOM": "syndication/tagged/{slug}.atom.xml", "TAG_FEED_RSS": "syndication/tagged/{slug}.rss.xml",
    "TRANSLATION_FEED_ATOM": "syndication/in-{lang}.atom.xml", "TRANSLATION_FEED_RSS": "syndication/in-{lang}.rss.xml",
    "CATEGORY_URL": "topics/{slug}/", "CATEGORY_SAVE_AS": "topics/{slug}/index.html",
    "ARCHIVES_URL": "everything/", "ARCHIVES_SAVE_AS": "everything/index.html",
    "DEFAULT_PAGINATION": 1,
    "PAGINATION_PATTERNS": [[1, "{url}", "{save_as}"], [2, "{base_name}/more-{number}/", "{base_name}/more-{number}/index.html"]],
}
FEEDS = {key: path.format(slug={"CATEGORY": "guides", "AUTHOR": "example-writer", "TAG": "sleep"}.get(key.split("_")[0], ""),
                          lang="en")
         for key, path in MOVED.items() if "FEED" in key}
LISTINGS = {"home page": "index.html", "home page, page 2": "more-2/index.html", "category": "topics/guides/index.html",
            "tag": "tag/sleep/index.html", "tag, page 2": "tag/sleep/more-2/index.html",
            "author": "author/example-writer/index.html", "author, page 2": "author/example-writer/more-2/index.html",
            "archive": "everything/index.html", "archive, page 2": "everything/more-2/index.html"}
SECOND = GOOD_ARTICLE.replace("Slug: fixture-article", "Slug: second-article").replace("Date: 2026-10-01", "Date: 2026-09-01")


@pytest.fixture(scope="module")
def moved_site(tmp_path_factory):
    """Two articles (one with an affiliate link) built with MOVED, and the settings file `invoke check` reads."""
    root = tmp_path_factory.mktemp("moved")
    settings_file = root / "moved.py"
    settings_file.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom publishconf import *\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        + "".join(f"{key} = {value!r}\n" for key, value in MOVED.items()), encoding="utf-8")
    from conftest import build_site_from

    result = build_site_from(root, {"articles/fixture.md": WITH_AFFILIATE_LINK, "articles/second.md": SECOND}, TODAY,
                             settings_file=settings_file)
    assert result.returncode == 0, result.stderr
    return result.output, settings_file


def test_the_audit_finds_every_feed_and_listing_where_the_settings_put_them(moved_site):
    output, settings_file = moved_site
    for rel in [*FEEDS.values(), *LISTINGS.values()]:
        assert (output / rel).is_file(), f"{rel} was not built; the fixture no longer exercises it"
    assert not (output / "feeds").exists() and not (output / "page").exists()
    done = check(output, "--settings", str(settings_file))
    assert done.returncode == 0, done.stdout + done.stderr
    figures = summary_figures(done.stdout)
    written = [p for p in (output / "syndication").rglob("*") if p.is_file() and p.suffix not in (".gz", ".br")]
    assert figures["feeds checked"] == len(written) > len(set(FEEDS.values())), "every feed written is audited"
    listed = re.search(r"(\d+) listing pages", done.stdout)
    assert listed and int(listed.group(1)) >= len(LISTINGS), done.stdout


def _strip_notice_and_rel(text: str) -> str:
    """An entry (or page) whose affiliate link lost its notice and its rel="sponsored ..."."""
    text = re.sub(r"(&lt;|<)p class=(&quot;|\"|)affiliate-notice.*?(&lt;|<)/p(&gt;|>)", "", text)
    text = re.sub(r"(&lt;|<)aside class=(&quot;|\"|)notice affiliate-notice.*?(&lt;|<)/aside(&gt;|>)", "", text, flags=re.S)
    return text.replace("sponsored nofollow noopener noreferrer", "noopener noreferrer")


@pytest.mark.parametrize("kind", sorted(FEEDS))
def test_a_feed_entry_whose_affiliate_link_lost_its_notice_and_rel_is_caught_in_every_feed_kind(moved_site, tmp_path, kind):
    output, settings_file = moved_site
    copy = tmp_path / "output"
    shutil.copytree(output, copy)
    feed = copy / FEEDS[kind]
    text = feed.read_text(encoding="utf-8")
    tampered = _strip_notice_and_rel(text)
    assert tampered != text and "amazon.com" in tampered, f"{FEEDS[kind]} has no affiliate link to tamper with"
    feed.write_text(tampered, encoding="utf-8")
    done = check(copy, "--settings", str(settings_file))
    assert done.returncode == 1
    for rule in ("affiliate-notice", "affiliate-rel"):
        assert _problem_lines(done, FEEDS[kind], rule), done.stderr


LISTING_TAMPERING = {
    "a summary rendered as HTML, with its affiliate link": (
        '<p><a href="https://www.amazon.com/dp/B0LIST">a heat pad</a></p>', ("affiliate-notice", "affiliate-rel")),
    "a store address shown as text": ("<p>Heat pads: www.amazon.com/dp/B0TEXT</p>", ("affiliate-in-summary",)),
}


@pytest.mark.parametrize("listing", sorted(LISTINGS))
@pytest.mark.parametrize("tampering", sorted(LISTING_TAMPERING))
def test_a_listing_page_that_shows_an_affiliate_link_or_address_is_caught(moved_site, tmp_path, listing, tampering):
    output, settings_file = moved_site
    copy = tmp_path / "output"
    shutil.copytree(output, copy)
    page = copy / LISTINGS[listing]
    html, rules = LISTING_TAMPERING[tampering]
    text = page.read_text(encoding="utf-8")
    tampered = re.sub(r"(<main[^>]*>)", lambda m: m.group(1) + html, text, count=1)
    assert tampered != text
    page.write_text(tampered, encoding="utf-8")
    done = check(copy, "--settings", str(settings_file))
    assert done.returncode == 1
    for rule in rules:
        assert _problem_lines(done, LISTINGS[listing], rule), done.stderr


# --- The audit's detection is the build's: every spelling, every element -----------------------------------
AUDITED_SPELLINGS = ["HTTPS://WWW.AMAZON.COM/dp/X", "https://reader@www.amazon.com/dp/X", "https://www.amazon.com./dp/X",
                     "https://www.amazon.com:443/dp/X", "https://www.%61mazon.com/dp/X", "//www.amazon.co.uk/dp/X",
                     "https://%EF%BD%81%EF%BD%8D%EF%BD%81%EF%BD%9A%EF%BD%8F%EF%BD%8E.com/dp/X",
                     "https:\\\\www.amazon.com\\dp\\X", "&#104;ttps://www.amazon.com/dp/X", "AMAZON-SEARCH:heat+pad",
                     "https://shop.example.org/p?%74ag=someone-21", "https://shop.example.org/p?tag=someone-21#top",
                     "https://AMZN.TO/3x", "https&colon;&sol;&sol;www.amazon.com/dp/X",
                     "https://redirect.example/out?to=https%3A%2F%2Famzn.to%2F3x"]


def _audit(settings, body: str, head: str = "") -> list[str]:
    summary = Summary()
    policy = _head(settings).removeprefix("<head>").removesuffix("</head>")
    audit_page("p/index.html", f"<html><head>{policy}{head}</head><body><main>{body}</main>"
                               f"<footer>{settings['MEDICAL_DISCLAIMER_SHORT']}</footer></body></html>", settings, False, summary)
    return sorted({p.rule for p in summary.problems})


@pytest.mark.parametrize("href", AUDITED_SPELLINGS)
@pytest.mark.parametrize("tag", ["a", "A"])
def test_the_audit_finds_an_affiliate_link_however_it_is_spelled(settings, href, tag):
    assert _audit(settings, f'<p><{tag} HREF="{href}" rel="noopener noreferrer">x</{tag}></p>') == ["affiliate-notice",
                                                                                                 "affiliate-rel"]
    notice = f"<p>{settings['AFFILIATE_NOTICE']}</p>"
    assert _audit(settings, f'{notice}<p><{tag} href="{href}" rel="Sponsored NOFOLLOW noopener noreferrer">x</{tag}></p>') == []


@pytest.mark.parametrize("markup", [
    '<img src="https://www.amazon.com/pixel.gif" alt="">', '<map name="m"><area href="https://www.amazon.com/dp/X" alt="x"></map>',
    '<form action="https://www.amazon.com/s"><button>Go</button></form>', '<a href="/x" ping="/count https://amzn.to/p">x</a>',
    '<img src="/a.png" srcset="/a.png 1x, https://www.amazon.com/b.png 2x" alt="">', '<div style="background:url(//www.amazon.com/c.png)"></div>',
    '<svg><a xlink:href="https://www.amazon.com/dp/X"><text>x</text></a></svg>'])
def test_the_audit_refuses_anything_but_a_plain_link_to_the_store(settings, markup):
    assert "affiliate-plain-text" in _audit(settings, f"<p>{settings['AFFILIATE_NOTICE']}</p>{markup}")


@pytest.mark.parametrize("head", ['<meta name="description" content="Heat pads at https://amzn.to/3x">',
                                  '<meta property="og:description" content="Heat pads at www.amazon.com/dp/X">',
                                  '<script type="application/ld+json">{"description": "See https://www.amazon.com/dp/X"}</script>'])
def test_a_description_that_carries_a_store_address_is_caught(settings, head):
    assert _audit(settings, "<p>Plain text.</p>", head) == ["affiliate-in-summary"]


def test_a_feed_at_a_path_no_setting_names_is_recognised_and_audited(moved_site, tmp_path):
    """A plugin's feed, or one written by hand: an Atom or RSS file is audited wherever it lies."""
    output, settings_file = moved_site
    copy = tmp_path / "output"
    shutil.copytree(output, copy)
    for name, source in (("offers.atom.xml", FEEDS["FEED_ALL_ATOM"]), ("offers.rss.xml", FEEDS["FEED_ALL_RSS"])):
        (copy / "partners").mkdir(exist_ok=True)
        (copy / "partners" / name).write_text(_strip_notice_and_rel((output / source).read_text(encoding="utf-8")),
                                              encoding="utf-8")
    done = check(copy, "--settings", str(settings_file))
    assert done.returncode == 1
    for name in ("offers.atom.xml", "offers.rss.xml"):
        assert _problem_lines(done, f"partners/{name}", "affiliate-notice"), done.stderr
    assert not [line for line in done.stderr.splitlines() if line.startswith("sitemap.xml")]
