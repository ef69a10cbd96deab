"""The glossary by keyboard: a term's first use is a link named with its meaning, and Enter opens its entry."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

ARTICLE = "/articles/how-ketamine-acts-on-pain/"


def _tab_to_first_glossary_link(page, presses: int = 80):
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('a.glossary-term')"):
            return page.evaluate("document.activeElement.getAttribute('href')")
    return None


@pytest.mark.parametrize(("width", "scheme"), [(375, "dark"), (1280, "light")])
def test_a_glossary_link_is_reached_by_tab_named_with_its_meaning_and_opens_its_entry(views, origin, width, scheme):
    page = views(width, scheme).new_page()
    try:
        page.goto(origin + ARTICLE, wait_until="load")
        href = _tab_to_first_glossary_link(page)
        assert href is not None, "Tab never reached a glossary link"
        focused = page.locator("a.glossary-term:focus")
        # The accessible name: the word as written, then its expansion (abbreviations), then where it leads.
        name = re.search(r'link "([^"]+)"', focused.aria_snapshot()).group(1)
        assert name.endswith("in the glossary"), name
        if focused.locator("abbr").count():
            expansion = focused.locator("abbr").get_attribute("title")
            assert name == f"{focused.locator('abbr').inner_text()}, {expansion}, in the glossary", name
        assert focused.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)", \
            "a focused glossary link shows focus"
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(re.escape(href) + "$"))
        anchor = href.split("#")[1]
        target = page.locator(f"#{anchor}")
        assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == anchor
        box = target.bounding_box()
        assert box is not None and 0 <= box["y"] < page.viewport_size["height"], "the entry is scrolled into view"
        assert target.locator("dd").inner_text().strip(), "the entry gives a definition"
        page.go_back()
        page.wait_for_url(re.compile(re.escape(ARTICLE) + "$"))
    finally:
        page.close()


def test_every_first_use_in_the_article_has_a_name_that_says_it_is_a_glossary_entry(views, origin):
    page = views(1280, "light").new_page()
    try:
        page.goto(origin + ARTICLE, wait_until="load")
        links = page.locator(".article-body a.glossary-term")
        assert links.count() >= 10
        for index in range(links.count()):
            link = links.nth(index)
            name = re.search(r'link "([^"]+)"', link.aria_snapshot()).group(1)
            visible = link.inner_text()
            assert name.startswith(visible) and name.endswith(", in the glossary"), (visible, name)
    finally:
        page.close()
