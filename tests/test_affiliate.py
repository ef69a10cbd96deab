"""Affiliate links are found in the built HTML whatever their Markdown form, marked, and announced first."""

from __future__ import annotations

import html as htmllib
import json
import re

import pytest
from bs4 import BeautifulSoup

from clinic import affiliate
from clinic.audit.checks import normalise
from clinic.settings import load_settings
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


# --- Every spelling of an affiliate URL is found, by the rules as by the audit --------------------------
# (Markdown or HTML, a marker unique to it: the line where the marker is written is the line a problem names.)
SPELLINGS = {
    "uppercase scheme and host": ("[a heat pad](HTTPS://WWW.AMAZON.COM/dp/B0UPPER)", "B0UPPER"),
    "userinfo before the host": ("[a heat pad](https://reader@www.amazon.com/dp/B0USER)", "B0USER"),
    "trailing dot on the host": ("[a heat pad](https://www.amazon.com./dp/B0DOT)", "B0DOT"),
    "explicit port": ("[a heat pad](https://www.amazon.com:443/dp/B0PORT)", "B0PORT"),
    "percent-encoded host": ("[a heat pad](https://www.%61mazon.com/dp/B0PCT)", "B0PCT"),
    "full-width host": ("[a heat pad](https://ａｍａｚｏｎ.com/dp/B0WIDE)", "B0WIDE"),
    "protocol-relative": ("[a heat pad](//www.amazon.co.uk/dp/B0PROTO)", "B0PROTO"),
    "backslashes for slashes": ('<a href="https:\\\\www.amazon.com\\dp\\B0BACK">a heat pad</a>', "B0BACK"),
    "autolink": ("<https://amzn.to/3xAuto>", "3xAuto"),
    "reference-style": ("[a TENS unit][shop]\n\n[shop]: https://www.amazon.de/dp/B0REF", "B0REF"),
    "raw uppercase A HREF": ('<A HREF="https://www.amazon.com/dp/B0RAW">a pillow</A>', "B0RAW"),
    "entity-encoded href": ('<a href="&#104;ttps://www.amazon.com/dp/B0ENT">a pillow</a>', "B0ENT"),
    "HTML5 entities in the scheme": ('<a href="https&colon;&sol;&sol;www.amazon.com/dp/B0COLON">a pillow</a>', "B0COLON"),
    "nested in a redirect": ("[a wrap](https://redirect.example/out?to=https%3A%2F%2Famzn.to%2F3xNest)", "3xNest"),
    "attr_list href": ('[a pillow](https://example.org/){: href="https://www.amazon.com/dp/B0ATTR" }', "B0ATTR"),
    "amazon-search in capitals": ("[knee pillows](AMAZON-SEARCH:knee+pillow)", "knee+pillow"),
    "amazon-search in mixed case": ("[eye masks](Amazon-Search:eye+mask)", "eye+mask"),
    "associate tag, percent-encoded": ("[a wrap](https://shop.example.org/p?%74ag=someone-21)", "p?%74ag"),
    "associate tag before a fragment": ("[a wrap](https://shop.example.org/q?tag=someone-21#top)", "q?tag"),
}
LOOKALIKES = ["https://amazon.com.lookalike.example/dp/1", "https://example.org/amazon.com/dp/2",
              "https://www.amazon.com@partner.example/dp/3", "https://notamazon.com/dp/4", "mailto:orders@amazon.com"]


def with_body(article: str, text: str) -> str:
    """`article` with `text` as the first lines of its body (line 12 of GOOD_ARTICLE's shape)."""
    header, body = article.split("\n\n", 1)
    return f"{header}\n\n{text}\n\n{body}"


def line_with(source: str, marker: str) -> int:
    return next(number for number, line in enumerate(source.splitlines(), start=1) if marker in line)


def assert_problem(result, rule: str, line: int, file: str = "articles/fixture.md"):
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    wanted = re.compile(rf"^(\S*/)?content/{re.escape(file)}:{line}: {re.escape(rule)}: .+; .+")
    assert any(wanted.match(text) for text in result.lines), result.stderr
    assert not result.output.exists(), "nothing is published"


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_every_spelling_of_an_affiliate_link_outside_the_affiliate_categories_is_refused(fixture_site, spelling):
    markdown, marker = SPELLINGS[spelling]
    article = with_body(GOOD_ARTICLE, markdown)
    result = fixture_site({"articles/fixture.md": article}, TODAY)
    assert_problem(result, "affiliate-category", line_with(article, marker))


def test_every_spelling_in_a_guides_article_is_marked_and_announced(fixture_site, settings):
    # The autolink shows its address as text, refused on its own (affiliate-address-text): left out here.
    worded = {name: form for name, form in SPELLINGS.items() if name != "autolink"}
    article = with_body(GUIDE, "\n\n".join(markdown for markdown, _ in worded.values()))
    result = fixture_site({"articles/fixture.md": article}, TODAY)
    assert result.returncode == 0, result.stderr
    html = (result.output / "articles" / "fixture-article" / "index.html").read_text(encoding="utf-8")
    main = BeautifulSoup(html, "html.parser").find("main")
    found = [a for a in main.find_all("a", href=True) if affiliate.is_affiliate(a["href"], settings["AFFILIATE_LINK_PATTERNS"])]
    assert len(found) == len(worded), [a["href"] for a in found]
    for link in found:
        assert set(settings["AFFILIATE_REL"]) <= set(link.get("rel") or []), link
    assert_notice_first(html, settings)


def test_look_alike_addresses_are_not_affiliate_links(fixture_site):
    article = with_body(GOOD_ARTICLE, "\n".join(f"- [a look-alike]({url})" for url in LOOKALIKES))
    result = fixture_site({"articles/fixture.md": article}, TODAY)
    assert result.returncode == 0, result.stderr


def test_a_page_with_an_affiliate_link_is_refused(fixture_site):
    page = "Title: Notes\nSlug: notes\nSummary: Notes for readers.\n\nA [heat pad](amazon-search:heat+pad) may help.\n"
    result = fixture_site({"articles/fixture.md": GOOD_ARTICLE, "pages/notes.md": page}, TODAY)
    assert_problem(result, "affiliate-category", 5, "pages/notes.md")


# --- Summaries and titles travel without the notice: store links and addresses are refused there --------
SUMMARIES = {
    "Markdown link": "See [a heat pad](https://www.amazon.com/dp/B0SUM) on cold days.",
    "amazon-search link": "See [heat pads](amazon-search:heat+pad) on cold days.",
    "autolink": "See <https://amzn.to/3xSum> on cold days.",
    "raw a tag": 'See <a href="https://www.amazon.com/dp/B0SUM">a heat pad</a> on cold days.',
    "address as text": "Heat pads are listed at https://www.amazon.com/dp/B0SUM for cold days.",
    "host without a scheme": "Heat pads are listed at www.amazon.co.uk/dp/B0SUM for cold days.",
    "short link without a scheme": "Heat pads are listed at amzn.to/3xSum for cold days.",
    "amazon-search as text": "Try AMAZON-SEARCH:heat+pad for cold days.",
    "associate tag on another shop": "Heat pads are listed at https://shop.example.org/p?tag=someone-21 for cold days.",
}
TITLES = {
    "address": "Heat pads at https://amzn.to/3xTitle",
    "host without a scheme": "Heat pads on WWW.AMAZON.COM/dp/B0TITLE",
    "amazon-search": "Heat pads via amazon-search:heat+pad",
}
SUMMARY_LINE = "Summary: A short fixture article used by the tests."


@pytest.mark.parametrize("case", sorted(SUMMARIES))
def test_a_summary_with_a_store_link_or_address_is_refused(fixture_site, case):
    article = GUIDE.replace(SUMMARY_LINE, "Summary: " + SUMMARIES[case])
    result = fixture_site({"articles/fixture.md": article}, TODAY)
    assert_problem(result, "affiliate-in-summary", line_with(article, "Summary:"))


@pytest.mark.parametrize("case", sorted(TITLES))
def test_a_title_with_a_store_address_is_refused(fixture_site, case):
    article = GUIDE.replace("Title: A fixture article about sleep and pain", "Title: " + TITLES[case])
    result = fixture_site({"articles/fixture.md": article}, TODAY)
    assert_problem(result, "affiliate-in-title", 1)


NO_SUMMARY = 'REQUIRED_METADATA=["title", "date", "category", "author", "reviewer", "last_reviewed"]'


def test_an_automatic_summary_that_would_carry_an_affiliate_link_is_refused(fixture_site):
    article = with_body(GUIDE.replace(SUMMARY_LINE + "\n", ""), "A [heat pad](amazon-search:heat+pad) may help at night.")
    result = fixture_site({"articles/fixture.md": article}, TODAY, NO_SUMMARY)
    assert_problem(result, "affiliate-in-summary", line_with(article, "heat+pad"))


def test_plain_summaries_titles_and_a_link_past_the_automatic_summary_pass(fixture_site, settings):
    words = " ".join(["Warmth can ease stiff muscles for some people."] * 12)
    late = with_body(GUIDE.replace(SUMMARY_LINE + "\n", ""), f"{words}\n\nA [heat pad](amazon-search:heat+pad) may help.")
    named = with_body(GUIDE.replace(SUMMARY_LINE, "Summary: What to look for in heat pads sold on Amazon.com, and the cautions."),
                      "A [heat pad](amazon-search:heat+pad) may help.").replace("Slug: fixture-article", "Slug: named")
    result = fixture_site({"articles/late.md": late.replace("Slug: fixture-article", "Slug: late"),
                           "articles/named.md": named}, TODAY, NO_SUMMARY)
    assert result.returncode == 0, result.stderr
    for slug in ("late", "named"):
        assert_notice_first((result.output / "articles" / slug / "index.html").read_text(encoding="utf-8"), settings)


FAQ = "## Frequently asked questions {: .faq }\n\n### Where can I find one?\n\n"


@pytest.mark.parametrize("answer", ["See <https://amzn.to/3xFaq>.", "Try [www.amazon.com/dp/B0FAQ](https://www.amazon.com/dp/B0FAQ).",
                                    "Search amazon-search:heat+pad for one."])
def test_a_store_address_shown_as_text_in_a_faq_answer_is_refused(fixture_site, answer):
    article = with_body(GUIDE, FAQ + answer)
    result = fixture_site({"articles/fixture.md": article}, TODAY)
    assert_problem(result, "affiliate-address-text", line_with(article, answer))


ADDRESS_TEXT = {
    "autolink": "<https://amzn.to/3xAuto>",
    "link whose words are the address": "[www.amazon.com/dp/B0WORDS](https://www.amazon.com/dp/B0WORDS)",
    "address typed out": "Heat pads are listed at https://www.amazon.co.uk/dp/B0TYPED for cold days.",
    "host typed out without a scheme": "Heat pads are listed at smile.amazon.com/gp/B0SMILE for cold days.",
    "amazon-search typed out": "Try `amazon-search:heat+pad` for cold days.",
}


@pytest.mark.parametrize("case", sorted(ADDRESS_TEXT))
def test_a_store_address_shown_as_text_in_the_body_is_refused(fixture_site, case):
    article = with_body(GUIDE, ADDRESS_TEXT[case])
    result = fixture_site({"articles/fixture.md": article}, TODAY)
    assert_problem(result, "affiliate-address-text", line_with(article, ADDRESS_TEXT[case]))


def test_a_faq_answer_with_a_worded_affiliate_link_passes(fixture_site):
    article = with_body(GUIDE, FAQ + "You can [search Amazon for heat pads](amazon-search:heat+pad).")
    result = fixture_site({"articles/fixture.md": article}, TODAY)
    assert result.returncode == 0, result.stderr


# --- In the body, an affiliate link is a plain text <a>: nothing else may point at the store -------------
PLAIN = {
    "link around an image": ('<a href="https://www.amazon.com/dp/B0IMG"><img src="{static}/images/pad.svg" alt="A pad"></a>',
                             "B0IMG"),
    "image-map area": ('<img src="{static}/images/pad.svg" alt="A pad" usemap="#m"><map name="m">'
                       '<area href="https://www.amazon.com/dp/B0AREA" alt="pad" shape="rect" coords="0,0,1,1"></map>', "B0AREA"),
    "form action": ('<form action="https://www.amazon.com/s/B0FORM"><input name="k" value="pad"></form>', "B0FORM"),
    "button formaction": ('<button formaction="https://www.amazon.com/dp/B0BTN">Buy</button>', "B0BTN"),
    "srcset candidate": ('<img src="{static}/images/pad.svg" srcset="{static}/images/pad.svg 1x, '
                         'https://www.amazon.com/images/B0SET.jpg 2x" alt="A pad">', "B0SET"),
    "base element": ('<base href="https://www.amazon.com/B0BASE/">', "B0BASE"),
    "store image": ('<img src="https://www.amazon.com/images/B0PIX.jpg" alt="A pad">', "B0PIX"),
    "prefetch": ('<link rel="prefetch" href="https://www.amazon.com/dp/B0PRE">', "B0PRE"),
    "ping": ('<a href="https://www.nih.gov/" ping="https://www.amazon.com/dp/B0PING">NIH</a>', "B0PING"),
    "SVG link": ('<svg width="1" height="1"><a xlink:href="https://www.amazon.com/dp/B0SVG"><text>pad</text></a></svg>',
                 "B0SVG"),
}
PAD = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><title>pad</title></svg>'


@pytest.mark.parametrize("case", sorted(PLAIN))
def test_anything_but_a_plain_text_link_to_the_store_is_refused(fixture_site, case):
    html, marker = PLAIN[case]
    article = with_body(GUIDE, html)
    result = fixture_site({"articles/fixture.md": article, "images/pad.svg": PAD}, TODAY)
    assert_problem(result, "affiliate-plain-text", line_with(article, marker))
