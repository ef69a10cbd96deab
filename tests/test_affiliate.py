"""Affiliate links are found in the built HTML whatever their Markdown form, marked, and announced first."""

from __future__ import annotations

import html as htmllib
import json
import re

import pytest
from bs4 import BeautifulSoup

from clinic import affiliate
from clinic.audit import normalise
from clinic.build import load_settings
from conftest import CONTENT, GOOD_ARTICLE, PROD_SETTINGS, article_sources, build_site_from, metadata_of

TODAY = 'RULES_TODAY="2026-11-15"'
# Affiliate links appear only in articles of AFFILIATE_CATEGORIES (Guides).
GUIDE = GOOD_ARTICLE.replace("Category: Chronic Pain", "Category: Guides")
CUSTOM_PATTERN = r"^https://shop\.partner\.example/"
# Every form a writer might use, each with a distinct href so the test can find it in the output.
FORMS = {
    "inline": ("[a heat pad](https://www.amazon.com/dp/B000INLINE?tag=exampleclinic-20)",
               "https://www.amazon.com/dp/B000INLINE?tag=exampleclinic-20"),
    "reference-style": ("[a TENS unit][tens]\n\n[tens]: https://www.amazon.com/dp/B000REFSTY",
                        "https://www.amazon.com/dp/B000REFSTY"),
    "raw a tag with its own rel": ('<a href="https://www.amazon.com/dp/B000RAWTAG" rel="external">a pillow</a>',
                                   "https://www.amazon.com/dp/B000RAWTAG"),
    "short link": ("[a wrap](https://amzn.to/3xShort)", "https://amzn.to/3xShort"),
    "amazon.co.uk": ("[UK store](https://www.amazon.co.uk/dp/B000UKSTOR)", "https://www.amazon.co.uk/dp/B000UKSTOR"),
    "amazon.de": ("[German store](https://www.amazon.de/dp/B000DESTOR)", "https://www.amazon.de/dp/B000DESTOR"),
    "smile.amazon.com": ("[smile](https://smile.amazon.com/dp/B000SMILE0)", "https://smile.amazon.com/dp/B000SMILE0"),
    "amazon-search": ("[search for earplugs](amazon-search:foam+earplugs)",
                      "https://www.amazon.com/s?k=foam+earplugs&tag=exampleclinic-20"),
    "pattern from settings": ("[partner shop](https://shop.partner.example/item/7)", "https://shop.partner.example/item/7"),
}
NOT_AFFILIATE = {
    "https://www.nih.gov/pain": "an outbound source",
    "https://amazon.com.lookalike.example/dp/1": "a look-alike domain",
}


def affiliate_article() -> str:
    lines = [f"- {form}: {markdown}" if "\n" not in markdown else f"- {form}: {markdown.split(chr(10))[0]}"
             for form, (markdown, _) in FORMS.items()]
    refs = [markdown.split("\n\n")[1] for markdown, _ in FORMS.values() if "\n\n" in markdown]
    others = [f"- [{label}]({url})" for url, label in NOT_AFFILIATE.items()]
    body = "Some items people ask about:\n\n" + "\n".join(lines + others) + "\n\n" + "\n".join(refs) + "\n"
    return GUIDE.replace("Clinicians ask about both.", "Clinicians ask about both.\n\n" + body)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture article with every link form, built once with a partner pattern added in settings."""
    patterns = load_settings(PROD_SETTINGS)["AFFILIATE_LINK_PATTERNS"] + [CUSTOM_PATTERN]
    result = build_site_from(tmp_path_factory.mktemp("affiliate"), {"articles/fixture.md": affiliate_article()},
                             TODAY, "AFFILIATE_LINK_PATTERNS=" + json.dumps(patterns))
    assert result.returncode == 0, result.stderr
    return result.output


def links_by_href(page) -> dict:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return {a["href"]: a for a in soup.find("main").find_all("a", href=True)}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_affiliate_link_form_gets_the_full_rel(built, settings, form):
    href = FORMS[form][1]
    link = links_by_href(built / "articles" / "fixture-article" / "index.html").get(href)
    assert link is not None, f"{form}: {href} is not in the built page"
    assert set(settings["AFFILIATE_REL"]) <= set(link.get("rel") or [])


def test_a_rel_already_on_a_link_is_kept(built):
    link = links_by_href(built / "articles" / "fixture-article" / "index.html")[FORMS["raw a tag with its own rel"][1]]
    assert "external" in link["rel"]


@pytest.mark.parametrize("href", sorted(NOT_AFFILIATE))
def test_other_outbound_links_are_not_affiliate_but_send_no_referrer(built, href):
    link = links_by_href(built / "articles" / "fixture-article" / "index.html")[href]
    assert "sponsored" not in (link.get("rel") or [])
    assert "noreferrer" in link["rel"]


def test_the_notice_precedes_every_affiliate_link_of_the_fixture(built, settings):
    html = (built / "articles" / "fixture-article" / "index.html").read_text(encoding="utf-8")
    assert_notice_first(html, settings)


@pytest.mark.parametrize("href", ["https://www.amazon.fr/x", "https://www.amazon.com.au/x", "http://amazon.in/",
                                  "https://a.co/d/abc", "https://amzn.eu/d/abc", "//www.amazon.com/x",
                                  "https://www.example.org/p?tag=someone-21"])
def test_the_default_patterns_match_amazon_everywhere(settings, href):
    assert affiliate.is_affiliate(href, settings["AFFILIATE_LINK_PATTERNS"])


@pytest.mark.parametrize("href", ["https://amazon.com.evil.example/", "https://www.notamazon.com/",
                                  "/articles/amazon/", "https://example.org/amazon.com"])
def test_the_default_patterns_do_not_match_other_sites(settings, href):
    assert not affiliate.is_affiliate(href, settings["AFFILIATE_LINK_PATTERNS"])


# --- The real site ------------------------------------------------------------------------------------

def affiliate_hrefs(html: str, settings) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [a["href"] for a in soup.find_all("a", href=True)
            if affiliate.is_affiliate(a["href"], settings["AFFILIATE_LINK_PATTERNS"])]


def assert_notice_first(html: str, settings):
    """Checked on the raw text, independently of the audit: the notice's words come before the first link."""
    starts = [m.start() for m in re.finditer(r"<a\s[^>]*?href=\"([^\"]*)\"", html)
              if affiliate.is_affiliate(htmllib.unescape(m.group(1)), settings["AFFILIATE_LINK_PATTERNS"])]
    assert starts, "no affiliate links found"
    first = starts[0]
    text = normalise(re.sub(r"<[^>]+>", " ", html[:first]))
    assert normalise(settings["AFFILIATE_NOTICE"]) in text, "the affiliate notice is not before the first affiliate link"


def test_the_product_guide_shows_the_notice_before_its_first_affiliate_link(site, settings):
    html = (site / "articles" / "home-comfort-product-guide" / "index.html").read_text(encoding="utf-8")
    assert len(affiliate_hrefs(html, settings)) >= 1
    assert_notice_first(html, settings)


def test_every_built_page_and_feed_with_affiliate_links_shows_the_notice_first(site, settings):
    checked = 0
    for path in sorted(site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        if affiliate_hrefs(html, settings):
            assert_notice_first(html, settings)
            checked += 1
    assert checked >= 1
    pages, checked = checked, 0
    for path in sorted((site / "feeds").glob("*.xml")):
        for entry in re.findall(r"<(?:entry|item)>.*?</(?:entry|item)>", path.read_text(encoding="utf-8"), re.S):
            for body in re.findall(r"<(?:content|description|summary)[^>]*>(.*?)</", entry, re.S):
                body = htmllib.unescape(body)
                if affiliate_hrefs(body, settings):
                    assert_notice_first(body, settings)
                    checked += 1
    assert pages and checked >= 2, "the product guide's feed entries should have been checked too"


def test_every_affiliate_link_on_the_real_site_has_the_full_rel(site, settings):
    guide = metadata_of(next(p for p in article_sources() if p.name == "home-comfort-product-guide.md"))
    page = site / "articles" / guide["slug"] / "index.html"
    source_links = len(re.findall(r"\]\(amazon-search:", (CONTENT / "articles" / "home-comfort-product-guide.md").read_text()))
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    links = [a for a in soup.find_all("a", href=True) if affiliate.is_affiliate(a["href"], settings["AFFILIATE_LINK_PATTERNS"])]
    assert len(links) == source_links > 0
    for link in links:
        assert set(settings["AFFILIATE_REL"]) <= set(link.get("rel") or []), link
        assert f"tag={settings['AFFILIATE_TAG']}" in link["href"]
        assert not link.find(["img", "iframe"]), "affiliate links are plain text"
