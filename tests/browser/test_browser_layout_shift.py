"""Nothing moves while a page loads: cumulative layout shift, as Chromium reports it to Lighthouse."""

from __future__ import annotations

import pytest

from .pages import PAGES, WIDTHS

pytestmark = pytest.mark.browser

# Lighthouse's "good" threshold is 0.1; a page that renders what it shows up front shifts by nothing.
MAX_SHIFT = 0.01

# Sum every layout shift not caused by the reader's own input, from the first paint on.
RECORD_SHIFTS = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__layoutShift += entry.value;
}).observe({ type: "layout-shift", buffered: true });
"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_a_page_does_not_shift_while_it_loads(views, origin, page, width):
    tab = views(width, "light").new_page()
    try:
        tab.add_init_script(RECORD_SHIFTS)
        tab.goto(origin + page.path, wait_until="networkidle")
        tab.wait_for_timeout(300)  # the search page's script runs after load; let its last frame paint
        shift = tab.evaluate("window.__layoutShift")
    finally:
        tab.close()
    assert shift <= MAX_SHIFT, f"{page.path} at {width}px shifts by {shift:.3f} while loading"


@pytest.mark.parametrize("width", WIDTHS)
def test_search_results_for_a_query_in_the_address_move_nothing_on_screen(views, origin, width):
    """The header's search box sends readers to /search/?q=...: the results the script then adds must not
    push what the reader already sees (the footer, on a short page) down the screen."""
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
