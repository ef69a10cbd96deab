"""A keyboard reader: the skip link comes first and works; every control is reachable and shows focus."""

from __future__ import annotations

import pytest

from .checks import skip_link_problems, tab_walk_problems
from .pages import PAGES

pytestmark = pytest.mark.browser

# Every page type on a desktop in light; on a phone in dark, the page types whose layout differs (header,
# listings, article, search form). Header, footer and focus styles are shared, so this covers both layouts
# and both schemes' focus styles while keeping the walk (one key press per control) affordable.
PHONE_DARK = {"home", "article-with-affiliate-links", "category", "search"}
KEYBOARD_VIEWS = [pytest.param(page, width, scheme, id=f"{page.name}-{width}-{scheme}")
                  for page in PAGES for width, scheme in ((1280, "light"), (375, "dark"))
                  if width == 1280 or page.name in PHONE_DARK]


@pytest.mark.parametrize(("page", "width", "scheme"), KEYBOARD_VIEWS)
def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(views, origin, page, width, scheme):
    problems = skip_link_problems(views(width, scheme), origin + page.path, f"{page.name} ({width}px, {scheme})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("page", "width", "scheme"), KEYBOARD_VIEWS)
def test_every_interactive_element_is_reachable_by_tab_and_shows_focus(views, origin, page, width, scheme):
    problems = tab_walk_problems(views(width, scheme), origin + page.path, f"{page.name} ({width}px, {scheme})")
    assert not problems, "\n".join(problems)
