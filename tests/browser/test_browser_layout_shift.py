"""Nothing moves when search results arrive: the header's search box sends readers to /search/?q=...
(every page's own load is held to the same limit in test_browser_pages.py)."""

from __future__ import annotations

import pytest

from .checks import MAX_SHIFT, RECORD_SHIFTS
from .pages import WIDTHS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", WIDTHS)
def test_search_results_for_a_query_in_the_address_move_nothing_on_screen(views, origin, width):
    """The results the script adds must not push what the reader already sees (the footer, on a short
    page) down the screen."""
    tab = views(width, "light").new_page()
    try:
        tab.add_init_script(RECORD_SHIFTS)
        tab.goto(origin + "/search/?q=ketamine", wait_until="networkidle")
        tab.wait_for_selector("[data-search-results] li")
        tab.wait_for_timeout(300)
        shift = tab.evaluate("window.__layoutShift")
    finally:
        tab.close()
    assert shift <= MAX_SHIFT, f"/search/?q=ketamine at {width}px shifts by {shift:.3f} as its results arrive"
