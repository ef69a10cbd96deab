"""Every link a reader can follow inside the site resolves, whatever form it was written in; footnotes
are each defined and each referenced.

Small sites built through the real CLI: a broken link fails the build with its rule id and the Markdown
file and line it was written on (or the built file, for a link the theme writes), and a site holding
every good form of link builds.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from conftest import BODY_END, FIRST_NEW_LINE, GOOD_ARTICLE

FIXTURE = "articles/fixture.md"
# The second article, the page and the image that the links point at.
OTHER = (GOOD_ARTICLE.replace("Title: A fixture article about sleep and pain", "Title: A second fixture article")
         .replace("Slug: fixture-article", "Slug: other-article")
         .replace("Clinicians ask about both.", "Clinicians ask about both.\n\n## Risks\n\nSome risks are known."))
PAGE = "Title: Contact us\nModified: 2026-11-01\n\nWrite to the clinic.\n\n## Opening hours\n\nWeekdays.\n"
IMAGE = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Box</title><rect width="10" height="10"/></svg>'


def article_with(text: str) -> str:
    """GOOD_ARTICLE with `text` (one or more lines) as a new paragraph starting on FIRST_NEW_LINE, and a
    heading `## What helps` after it for same-page anchors."""
    return GOOD_ARTICLE.replace(BODY_END, BODY_END + "\n" + text + "\n\n## What helps\n\nRegular hours help.\n")


def site_files(article: str, page: str = PAGE) -> dict:
    return {FIXTURE: article, "articles/other.md": OTHER, "pages/contact-us.md": page, "images/box.svg": IMAGE}


# (link as written on FIRST_NEW_LINE, rule)
BAD_LINKS = {
    "root-relative": ("[the risks](/articles/no-such-article/)", "link-missing"),
    "root-relative, no slash": ("[the risks](/articles/no-such-article)", "link-missing"),
    "root-relative index.html": ("[the risks](/articles/no-such-article/index.html)", "link-missing"),
    "relative": ("[the risks](../no-such-article/)", "link-missing"),
    "relative, too far up": ("[the risks](../../../../no-such-article/)", "link-missing"),
    "own absolute URL": ("[the risks](https://clinic.example/articles/no-such-article/)", "link-missing"),
    "own host, no scheme": ("[the risks](//clinic.example/articles/no-such-article/)", "link-missing"),
    "own host, upper case": ("[the risks](HTTPS://Clinic.Example/articles/no-such-article/)", "link-missing"),
    "missing listing": ("[pain](/category/no-such-category/)", "link-missing"),
    "missing page": ("[write to us](/contact/)", "link-missing"),
    "missing file": ("[the box](/images/no-such-box.svg)", "link-missing"),
    "plain path to a source file": ("[the risks](other.md)", "link-missing"),
    "raw HTML": ('<p><a href="/articles/no-such-article/">the risks</a></p>', "link-missing"),
    "reference style": ("[the risks][risks]\n\n[risks]: /articles/no-such-article/", "link-missing"),
    "percent-encoded": ("[the risks](/articles/no%20such%20article/)", "link-missing"),
    "same-page anchor": ("[what helps](#what-does-not-help)", "anchor-missing"),
    "footnote anchor": ("[the first source](#fn:nobody)", "anchor-missing"),
    "anchor on another article": ("[the risks](/articles/other-article/#benefits)", "anchor-missing"),
    "anchor through {filename}": ("[the risks]({filename}other.md#benefits)", "anchor-missing"),
    "anchor on own absolute URL": ("[the risks](https://clinic.example/articles/other-article/#benefits)",
                                   "anchor-missing"),
    "anchor, relative": ("[the risks](../other-article/#benefits)", "anchor-missing"),
    "anchor on a page": ("[hours](/contact-us/#closing-hours)", "anchor-missing"),
    "anchor in raw HTML": ('<p><a href="#nowhere">back up</a></p>', "anchor-missing"),
    "anchor, reference style": ("[the risks][risks]\n\n[risks]: /articles/other-article/#benefits", "anchor-missing"),
    "anchor differs in case": ("[what helps](#What-Helps)", "anchor-missing"),
}


def _line_of_link(text: str) -> int:
    """The reference-style cases name the definition's line, where the address is written."""
    return FIRST_NEW_LINE + (2 if "\n\n[" in text else 0)


@pytest.mark.parametrize("case", sorted(BAD_LINKS))
def test_a_broken_link_in_an_article_is_refused_by_rule_file_and_line(fixture_site, case):
    text, rule = BAD_LINKS[case]
    result = fixture_site(site_files(article_with(text)))
    assert result.returncode == 1, result.stderr
    expected = re.compile(rf"^(.*/)?content/{re.escape(FIXTURE)}:{_line_of_link(text)}: {rule}: .+; .+")
    assert [line for line in result.lines if expected.match(line)], result.stderr
    assert "Traceback" not in result.stderr
    assert not result.output.exists(), "a refused build must not leave an output directory"


@pytest.mark.parametrize("case", ["root-relative", "same-page anchor", "anchor on another article", "raw HTML"])
def test_a_broken_link_in_a_page_is_refused_by_rule_file_and_line(fixture_site, case):
    text, rule = BAD_LINKS[case]
    page = PAGE + "\n" + text.replace("#what-does-not-help", "#closed-days") + "\n"
    line = PAGE.count("\n") + 2
    result = fixture_site(site_files(GOOD_ARTICLE, page=page))
    assert result.returncode == 1, result.stderr
    expected = re.compile(rf"^(.*/)?content/pages/contact-us\.md:{line}: {rule}: .+; .+")
    assert [entry for entry in result.lines if expected.match(entry)], result.stderr


def test_a_broken_link_is_refused_in_the_development_build_too(fixture_site):
    from conftest import ROOT

    text, rule = BAD_LINKS["anchor on another article"]
    result = fixture_site(site_files(article_with(text)), settings_file=ROOT / "pelicanconf.py")
    assert result.returncode == 1, result.stderr
    assert any(re.match(rf"^(.*/)?content/{re.escape(FIXTURE)}:{FIRST_NEW_LINE}: {rule}: ", line)
               for line in result.lines), result.stderr


def test_every_line_that_writes_the_broken_link_is_named(fixture_site):
    text = "[the risks](/articles/no-such-article/) and\n[again](/articles/no-such-article/)"
    result = fixture_site(site_files(article_with(text)))
    assert result.returncode == 1
    for line in (FIRST_NEW_LINE, FIRST_NEW_LINE + 1):
        assert any(f"content/{FIXTURE}:{line}: link-missing: links to /articles/no-such-article/, " in entry
                   for entry in result.lines), result.stderr


# Every form of a link that resolves, with the href it must have in the built page (production settings).
GOOD_LINKS = {
    "{filename}": ("[a]({filename}other.md)", "https://clinic.example/articles/other-article/"),
    "{filename} with anchor": ("[a]({filename}other.md#risks)", "https://clinic.example/articles/other-article/#risks"),
    "{filename} from content root": ("[a]({filename}/pages/contact-us.md)", "https://clinic.example/contact-us/"),
    "{static}": ("[a]({static}/images/box.svg)", "https://clinic.example/images/box.svg"),
    "root-relative": ("[a](/articles/other-article/)", "/articles/other-article/"),
    "root-relative, no slash": ("[a](/articles/other-article)", "/articles/other-article"),
    "root-relative index.html": ("[a](/articles/other-article/index.html)", "/articles/other-article/index.html"),
    "root-relative anchor": ("[a](/articles/other-article/#risks)", "/articles/other-article/#risks"),
    "relative": ("[a](../other-article/)", "../other-article/"),
    "relative anchor": ("[a](../other-article/#risks)", "../other-article/#risks"),
    "own absolute URL": ("[a](https://clinic.example/articles/other-article/#risks)",
                         "https://clinic.example/articles/other-article/#risks"),
    "own host, no scheme": ("[a](//clinic.example/contact-us/)", "//clinic.example/contact-us/"),
    "page anchor": ("[a](/contact-us/#opening-hours)", "/contact-us/#opening-hours"),
    "same-page heading": ("[a](#what-helps)", "#what-helps"),
    "same-page footnote": ("[a](#fn:raja)", "#fn:raja"),
    "same-page theme id": ("[a](#sources)", "#sources"),
    "top of the page": ("[a](#top)", "#top"),
    "listing": ("[a](/category/chronic-pain/)", "/category/chronic-pain/"),
    "tag listing": ("[a](/tag/sleep/)", "/tag/sleep/"),
    "archives": ("[a](/archives/)", "/archives/"),
    "home": ("[a](/)", "/"),
    "search with a query": ("[a](/search/?q=sleep)", "/search/?q=sleep"),
    "static file": ("[a](/images/box.svg)", "/images/box.svg"),
    "raw HTML": ('<a href="/articles/other-article/#risks">a</a>', "/articles/other-article/#risks"),
    "reference style": ("[a][ref]\n\n[ref]: /contact-us/", "/contact-us/"),
    "booking form, served elsewhere": ("[a](https://clinic.example/book)", "https://clinic.example/book"),
    "another site": ("[a](https://www.iasp-pain.org/)", "https://www.iasp-pain.org/"),
    "mail": ("[a](mailto:hello@clinic.example)", "mailto:hello@clinic.example"),
}


@pytest.fixture(scope="module")
def good_site(tmp_path_factory):
    from conftest import build_site_from

    text = "\n\n".join(written for written, _ in GOOD_LINKS.values())
    result = build_site_from(tmp_path_factory.mktemp("links"), site_files(article_with(text)))
    assert result.returncode == 0, result.stderr
    return result.output


@pytest.mark.parametrize("case", sorted(GOOD_LINKS))
def test_every_form_of_a_good_link_builds(good_site, case):
    page = BeautifulSoup((good_site / "articles/fixture-article/index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = [a.get("href") for a in page.select("main a")]
    assert GOOD_LINKS[case][1] in hrefs, hrefs


def test_an_address_on_the_own_host_served_elsewhere_is_left_to_that_system(fixture_site):
    text = "[the patient portal](https://clinic.example/portal/)"
    refused = fixture_site(site_files(article_with(text)))
    assert any(f"content/{FIXTURE}:{FIRST_NEW_LINE}: link-missing: " in line for line in refused.lines), refused.stderr
    allowed = fixture_site(site_files(article_with(text)), 'LINKS_SERVED_ELSEWHERE=["https://clinic.example/portal/"]')
    assert allowed.returncode == 0, allowed.stderr


# --- Links the theme writes: named by the built file ---------------------------------------------

@pytest.mark.parametrize("link, rule", [
    ('<a href="/no-such-listing/">Listing</a>', "link-missing"),
    ('<a href="{{ SITEURL }}/articles/no-such-article/">Old</a>', "link-missing"),
    ('<a href="#no-such-id">Skip</a>', "anchor-missing"),
    ('<form action="/no-such-search/"><button>Go</button></form>', "link-missing"),
])
def test_a_broken_link_in_the_theme_is_named_by_the_built_file(fixture_site, theme_copy, link, rule):
    footer = theme_copy / "templates" / "partials" / "footer.html"
    footer.write_text(link + "\n" + footer.read_text(encoding="utf-8"), encoding="utf-8")
    result = fixture_site(site_files(GOOD_ARTICLE), theme=theme_copy)
    assert result.returncode == 1, result.stderr
    assert any(re.match(rf"^articles/fixture-article/index\.html:\d+: {rule}: links to \S+, .+; fix .+ template",
                        line) for line in result.lines), result.stderr
    assert any(re.match(rf"^index\.html:\d+: {rule}: ", line) for line in result.lines), result.stderr


def test_a_pagination_link_to_no_page_is_named_by_the_listing(fixture_site):
    # Two articles, one a page: the index links page 2 at an address no file is saved under.
    patterns = '[[1, "{url}", "{save_as}"], [2, "{base_name}/p/{number}/", "{base_name}/page/{number}/index.html"]]'
    result = fixture_site(site_files(GOOD_ARTICLE), "DEFAULT_PAGINATION=1", f"PAGINATION_PATTERNS={patterns}")
    assert result.returncode == 1, result.stderr
    assert any(re.match(r"^index\.html:\d+: link-missing: links to \S*/p/2/, ", line) for line in result.lines), \
        result.stderr


# --- Footnotes -------------------------------------------------------------------------------------

BAD_FOOTNOTES = {
    # case: (article text, rule, line)
    "reference without a definition": (article_with("Sleep is studied too.[^nobody2020]"), "footnote-undefined",
                                       FIRST_NEW_LINE),
    "reference with a mistyped key": (article_with("Sleep matters.[^raja2020]"), "footnote-undefined", FIRST_NEW_LINE),
    "reference in a heading": (article_with("## Sleep[^nobody]"), "footnote-undefined", FIRST_NEW_LINE),
    "reference in a list": (article_with("- one point\n- another point[^nobody]"), "footnote-undefined",
                            FIRST_NEW_LINE + 1),
    "definition never referenced": (GOOD_ARTICLE + "[^unused]: Nobody N. A paper. *A Journal*. 2020. <https://doi.org/10.1000/1>\n",
                                    "footnote-unused", GOOD_ARTICLE.count("\n") + 1),
    "definition referenced only in code": (GOOD_ARTICLE.replace("[^treede] ", "`[^treede]` ", 1),
                                           "footnote-unused", GOOD_ARTICLE.count("\n")),
    "key defined twice": (GOOD_ARTICLE.replace("[^treede]: ", "[^raja]: Raja SN. A second paper. 2021. <https://doi.org/10.1000/2>\n[^treede]: "),
                          "footnote-unused", GOOD_ARTICLE.count("\n") - 1),
    "indented definition never referenced": (GOOD_ARTICLE + "  [^unused]: Nobody N. A paper. 2020. <https://doi.org/10.1000/1>\n",
                                             "footnote-unused", GOOD_ARTICLE.count("\n") + 1),
}


@pytest.mark.parametrize("case", sorted(BAD_FOOTNOTES))
def test_a_broken_footnote_is_refused_by_rule_file_and_line(fixture_site, case):
    text, rule, line = BAD_FOOTNOTES[case]
    result = fixture_site({FIXTURE: text})
    assert result.returncode == 1, result.stderr
    expected = re.compile(rf"^(.*/)?content/{re.escape(FIXTURE)}:{line}: {rule}: .+; .+")
    assert [entry for entry in result.lines if expected.match(entry)], result.stderr
    assert not result.output.exists()


def test_footnote_markers_shown_as_code_and_notes_used_twice_build(fixture_site):
    text = article_with("Write a note as `[^key]`, for example:\n\n```\nA claim.[^key]\n[^key]: The source.\n```\n\n"
                        "Both points come from one source.[^raja]")
    # Keys with spaces and accents work too (the rewrite percent-encodes the links to them).
    text = text.replace("[^treede]", "[^Treede é 2019]")
    result = fixture_site({FIXTURE: text})
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup((result.output / "articles/fixture-article/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert "[^key]" in page.get_text() and len(page.select('a.footnote-ref[href="#fn:raja"]')) == 2


def test_invoke_check_finds_a_broken_link_in_a_built_site_by_itself(good_site, tmp_path):
    # `invoke check` audits a site built elsewhere: it has no sources to name, so it names the built file.
    import os
    import shutil
    import subprocess
    import sys

    from conftest import PROD_SETTINGS, ROOT

    site = tmp_path / "site"
    shutil.copytree(good_site, site)
    page = site / "articles/other-article/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('id="risks"', 'id="hazards"').replace("id=risks", "id=hazards"),
                    encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "clinic.audit.check", str(site), "--settings", str(PROD_SETTINGS)],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")})
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"^articles/fixture-article/index\.html:\d+: anchor-missing: links to \S+#risks, ",
                     done.stderr, re.MULTILINE), done.stderr
