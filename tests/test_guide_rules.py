"""The writers' guide's rules (docs/writing.md), enforced in the guide's words: each refused by rule id and
file:line through the real CLI, beside a fixture that passes."""

from __future__ import annotations

import pytest

from conftest import FILLER, FIRST_NEW_LINE, GOOD_ARTICLE, ROOT
from test_silent import FIXTURE, PAGE, field, refused


# --- The guide's rules, in the guide's words ---------------------------------------------------------

BODY = FIRST_NEW_LINE - 2  # the fixture article's one paragraph, right after the header and its blank line


def body(words: str) -> str:
    return GOOD_ARTICLE.replace(FILLER, words)


GUIDE = {
    "short": (body("Short."), BODY, "article-length", "700 to 1,500 words"),
    "long": (body(FILLER * 3), BODY, "article-length", "700 to 1,500 words"),
    "one tag": (field(GOOD_ARTICLE, "Tags", "sleep"), 5, "tags-format", "write 2 to 4"),
    "five tags": (field(GOOD_ARTICLE, "Tags", "a, b, c, d, e"), 5, "tags-format", "write 2 to 4"),
    "capitals": (field(GOOD_ARTICLE, "Tags", "Sleep, evidence"), 5, "tags-format", "lowercase"),
    "empty tag": (field(GOOD_ARTICLE, "Tags", "sleep,, evidence"), 5, "tags-format", "empty tag"),
    "full stop": (field(GOOD_ARTICLE, "Title", "Sleep and pain."), 1, "title-full-stop", "full stop"),
    "three sentences": (field(GOOD_ARTICLE, "Summary", "One. Two. Three."), 7, "summary-length", "one or two"),
    "modified first": (field(GOOD_ARTICLE, "Modified", "2026-09-30"), 3, "date-order", "never before Date"),
    "reviewed after modified": (field(GOOD_ARTICLE, "Last_reviewed", "2026-11-02"), 10, "date-order",
                                "Last_reviewed is never after Modified"),
    "atx h1": (GOOD_ARTICLE.replace("\n\nPoor sleep", "\n\n# Sleep first\n\nPoor sleep", 1), BODY, "heading-level", "##"),
    "setext h1": (GOOD_ARTICLE.replace("\n\nPoor sleep", "\n\nSleep first\n===\n\nPoor sleep", 1), BODY, "heading-level", "##"),
    "h1 after a fence": (GOOD_ARTICLE.replace("\n\nPoor sleep", "\n\n```\n# Sleep first\n```\n\nPoor sleep", 1), BODY + 1,
                         "heading-level", "##"),
    "html h1": (GOOD_ARTICLE.replace("\n\nPoor sleep", "\n\n<h1>Sleep first</h1>\n\nPoor sleep", 1), BODY, "heading-level", "##"),
}


@pytest.mark.parametrize("case", sorted(GUIDE))
def test_a_rule_the_guide_states_is_enforced_in_its_words(fixture_site, case):
    text, line, rule, says = GUIDE[case]
    refused(fixture_site({FIXTURE: text}), FIXTURE, line, rule, says)


BRITISH = ["colour", "Behaviour", "centre", "anaesthetic", "paediatric", "recognised", "organisation", "tumours",
           "oedema", "ischaemia", "haematoma", "judgement", "travelled", "grey", "fibre", "dyspnoea", "licence"]


@pytest.mark.parametrize("word", BRITISH)
def test_british_spelling_is_refused_with_its_us_form(fixture_site, word):
    text = GOOD_ARTICLE.replace("Clinicians ask about both.", f"Clinicians ask about the {word} too.")
    refused(fixture_site({FIXTURE: text}), FIXTURE, BODY, "spelling-us", f"'{word}' is British spelling")


@pytest.mark.parametrize("name, line", [("Title", 1), ("Summary", 7)])
def test_british_spelling_in_what_the_header_shows_is_refused(fixture_site, name, line):
    text = field(GOOD_ARTICLE, name, "How pain and sleep behaviour are linked")
    refused(fixture_site({FIXTURE: text}), FIXTURE, line, "spelling-us", "write 'behavior'")


def test_british_spelling_on_a_page_is_refused(fixture_site):
    page = PAGE.replace("Hello.", "The clinic is a centre for pain care.")
    refused(fixture_site({FIXTURE: GOOD_ARTICLE, "pages/about.md": page}), "pages/about.md", 6, "spelling-us", "center")


def test_us_spelling_cited_titles_and_addresses_pass(fixture_site):
    text = GOOD_ARTICLE.replace("Clinicians ask about both.", "Clinicians ask about both; analyses of anesthesia "
                                "color the picture ([a page](https://example.org/colour-centre)).")
    text += "[^br]: Smith J. Paediatric anaesthesia and behaviour. *Br J Anaesth*. 2020. <https://doi.org/10.1/x>\n"
    result = fixture_site({FIXTURE: text.replace("[^treede] ", "[^treede][^br] ", 1)})
    assert result.returncode == 0, result.stderr


def test_a_hash_line_in_an_indented_code_block_is_no_heading(fixture_site):
    # The site's Markdown has no fenced code blocks: a "# ..." line after ``` is a heading, and refused.
    text = GOOD_ARTICLE.replace("\n\nPoor sleep", "\n\n    # a comment in a sleep diary script\n\nPoor sleep", 1)
    result = fixture_site({FIXTURE: text})
    assert result.returncode == 0, result.stderr


def link(text: str) -> str:
    return GOOD_ARTICLE.replace("Clinicians ask about both.", f"Clinicians ask about both, {text}.")


@pytest.mark.parametrize("text", ["[click here](https://example.org/sleep)", "[here](https://example.org/sleep)",
                                  "[Read more](https://example.org/sleep)", "[this link](https://example.org/a)",
                                  "[Click here!](https://example.org/a)", '<a href="https://example.org/a">here</a>',
                                  "[this page](https://example.org/a)", "[learn more](https://example.org/a)"])
def test_link_text_that_does_not_say_where_it_goes_is_refused(fixture_site, text):
    refused(fixture_site({FIXTURE: link(text)}), FIXTURE, BODY, "link-text", "does not say where it goes")


def test_a_vague_link_on_a_page_is_refused_too(fixture_site):
    page = PAGE.replace("Hello.", "For more, [click here](https://example.org/about).")
    refused(fixture_site({FIXTURE: GOOD_ARTICLE, "pages/about.md": page}), "pages/about.md", 6, "link-text")


@pytest.mark.parametrize("heading", ["## Sources", "## References", "### Bibliography", "Sources\n-------",
                                     "## Works cited"])
def test_a_sources_heading_is_refused(fixture_site, heading):
    text = GOOD_ARTICLE.replace("\n\n[^raja]:", f"\n\n{heading}\n\n[^raja]:", 1)
    refused(fixture_site({FIXTURE: text}), FIXTURE, FIRST_NEW_LINE, "sources-heading", "delete the heading")


def test_links_that_say_where_they_go_and_a_sources_word_in_a_heading_pass(fixture_site):
    text = link("as [the sleep guidance from the example society](https://example.org/sleep) explains")
    text = text.replace("\n\n[^raja]:", "\n\n## Sources of poor sleep\n\nPain, worry and noise.\n\n[^raja]:", 1)
    result = fixture_site({FIXTURE: text})
    assert result.returncode == 0, result.stderr


SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
UNSAFE_SVG = {
    "script": "<script>alert(1)</script>",
    "handler": '<rect width="1" height="1" onclick="alert(1)"/>',
    "remote image": '<image href="https://images.example.org/a.png" width="1" height="1"/>',
    "xlink image": '<image xlink:href="//images.example.org/a.png" width="1" height="1"/>',
    "css import": "<style>@import url(https://fonts.example.org/a.css);</style>",
    "style url": '<rect width="1" height="1" style="fill: url(https://example.org/p.svg#g)"/>',
    "foreign object": "<foreignObject><p>text</p></foreignObject>",
    "javascript link": '<a href="javascript:alert(1)"><text>x</text></a>',
}


@pytest.mark.parametrize("case", sorted(UNSAFE_SVG))
def test_a_diagram_with_a_script_or_a_load_from_elsewhere_is_refused(fixture_site, case):
    svg = f"{SVG_OPEN}\n<title>A diagram</title>\n{UNSAFE_SVG[case]}\n</svg>\n"
    refused(fixture_site({FIXTURE: GOOD_ARTICLE, "images/d.svg": svg}), "images/d.svg", 3, "image-svg", "remove it")


def test_a_diagram_that_is_not_well_formed_is_refused(fixture_site):
    svg = f"{SVG_OPEN}\n<title>A diagram</title>\n<rect width='1'>\n</svg>\n"
    refused(fixture_site({FIXTURE: GOOD_ARTICLE, "images/d.svg": svg}), "images/d.svg", 4, "image-svg", "well-formed")


def test_a_self_contained_diagram_passes(fixture_site):
    svg = (f"{SVG_OPEN}\n<title>A diagram</title>\n<defs><linearGradient id='g'/></defs>\n"
           "<rect width='1' height='1' style='fill: url(#g)'/><use href='#g'/><text x='1' y='1'>Nerve</text>\n</svg>\n")
    assert fixture_site({FIXTURE: GOOD_ARTICLE, "images/d.svg": svg}).returncode == 0


def test_the_guides_words_are_the_errors_words():
    guide = (ROOT / "docs" / "writing.md").read_text(encoding="utf-8")
    rules = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in {rule for _text, _line, rule, _says in GUIDE.values()} | {"spelling-us", "link-text", "sources-heading",
                                                                               "image-svg"}:
        assert f"`{rule}`" in guide and f"`{rule}`" in rules, rule
    assert "700 to 1,500 words" in guide and "2 to 4 lowercase tags" in guide
