"""Search as a reader uses it: type a query, see the article, follow the result and land on it."""

from __future__ import annotations

import pytest

from .checks import CSP_LISTENER, is_local

pytestmark = pytest.mark.browser

RESULTS = "[data-search-results]"


@pytest.fixture
def reader(views, origin):
    """A fresh tab that records console errors and any request leaving the site while searching."""
    tab = views(1280, "light").new_page()
    tab.add_init_script(CSP_LISTENER)
    troubles: list[str] = []
    tab.on("console", lambda m: troubles.append(f"console-error: {m.text}") if m.type == "error" else None)
    tab.on("pageerror", lambda e: troubles.append(f"uncaught: {e}"))
    tab.on("request", lambda r: None if is_local(r.url, origin) else troubles.append(f"third-party-request: {r.url}"))
    yield tab, troubles
    tab.close()


def follow_result(tab, origin: str, article_path: str) -> None:
    """Wait for the result linking to the article, follow it, and check where it lands."""
    link = tab.locator(f'{RESULTS} a[href$="{article_path}"]').first
    link.wait_for(state="visible", timeout=10_000)
    title = link.inner_text().strip()
    link.click()
    tab.wait_for_url(origin + article_path)
    assert tab.locator("main h1").first.inner_text().strip() == title


def test_typing_on_the_search_page_shows_the_matching_article_and_its_result_lands_on_it(reader, origin):
    tab, troubles = reader
    tab.goto(origin + "/search/")
    tab.locator("main input[type=search]").first.press_sequentially("infusions", delay=20)
    follow_result(tab, origin, "/articles/iv-ketamine-infusions/")
    assert not troubles, "\n".join(troubles)
    assert tab.evaluate("window.__cspViolations") == []


def test_the_header_search_box_leads_to_the_matching_article(reader, origin):
    tab, troubles = reader
    tab.goto(origin + "/")
    box = tab.locator("header [role=search] input[type=search]").first
    box.fill("TENS")
    box.press("Enter")
    tab.wait_for_url(f"{origin}/search/?q=TENS")
    follow_result(tab, origin, "/articles/home-comfort-product-guide/")
    assert not troubles, "\n".join(troubles)


def test_a_query_nothing_matches_says_so(reader, origin):
    tab, troubles = reader
    tab.goto(origin + "/search/?q=zzqxv")
    status = tab.locator("[data-search-status]")
    status.filter(has_text="zzqxv").wait_for(timeout=10_000)
    assert tab.locator(f"{RESULTS} a").count() == 0
    assert not troubles, "\n".join(troubles)


def test_the_glossary_is_searchable(reader, origin):
    """A word only the glossary uses (the expansion of HNK) finds the glossary page, and its result lands on it."""
    tab, troubles = reader
    tab.goto(origin + "/search/")
    tab.locator("main input[type=search]").first.press_sequentially("hydroxynorketamine", delay=20)
    follow_result(tab, origin, "/glossary/")
    assert not troubles, "\n".join(troubles)
