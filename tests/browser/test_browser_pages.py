"""Every page type, at phone and desktop width, light and dark, as Chromium renders it from localhost."""

from __future__ import annotations

import pytest

from .checks import (
    affiliate_notice_problems,
    axe_problems,
    contrast_problems,
    console_problems,
    csp_problems,
    disclaimer_problems,
    foreign_request_problems,
    horizontal_scroll_problems,
    layout_shift_problems,
    status_problems,
)
from .pages import PAGES, VIEWS

pytestmark = pytest.mark.browser

# One group per view: with `--dist loadgroup` (tasks.py) every check of a view runs on the worker that
# loaded it, so each view is loaded, screenshotted and judged by axe once, not once per worker.
EVERY_VIEW = [pytest.param(page, width, scheme, id=f"{page.name}-{width}-{scheme}",
                           marks=pytest.mark.xdist_group(f"{page.name}-{width}-{scheme}"))
              for page in PAGES for width, scheme in VIEWS]
PHONE_VIEWS = [p for p in EVERY_VIEW if p.values[1] == 375]
AFFILIATE_VIEWS = [p for p in EVERY_VIEW if p.values[0].affiliate]


def report(problems: list[str]) -> str:
    return "\n".join(problems)


@pytest.mark.parametrize(("page", "width", "scheme"), EVERY_VIEW)
def test_every_page_type_answers_with_its_status(visits, page, width, scheme):
    problems = status_problems(visits(page, width, scheme), page.status)
    assert not problems, report(problems)


@pytest.mark.parametrize(("page", "width", "scheme"), EVERY_VIEW)
def test_axe_finds_no_wcag_a_or_aa_violation(visits, page, width, scheme):
    seen = visits(page, width, scheme)
    assert seen.axe_rules_passed > 10, f"{seen.label}: axe-ran: only {seen.axe_rules_passed} rules passed"
    problems = axe_problems(seen)
    assert not problems, report(problems)


@pytest.mark.parametrize(("page", "width", "scheme"), EVERY_VIEW)
def test_text_links_and_muted_text_reach_enhanced_contrast(visits, page, width, scheme):
    """axe's color-contrast-enhanced (WCAG 2.2 1.4.6, AAA): 7:1 for body text, links and muted text."""
    seen = visits(page, width, scheme)
    assert seen.contrast_nodes_passed > 5, f"{seen.label}: axe-ran: the contrast rule checked almost nothing"
    problems = contrast_problems(seen)
    assert not problems, report(problems)


@pytest.mark.parametrize(("page", "width", "scheme"), EVERY_VIEW)
def test_no_request_leaves_the_local_origin(visits, origin, page, width, scheme):
    seen = visits(page, width, scheme)
    assert seen.requests, f"{seen.label}: no request was recorded, so the check saw nothing"
    problems = foreign_request_problems(seen, origin)
    assert not problems, report(problems)


@pytest.mark.parametrize(("page", "width", "scheme"), EVERY_VIEW)
def test_no_console_error(visits, page, width, scheme):
    problems = console_problems(visits(page, width, scheme))
    assert not problems, report(problems)


@pytest.mark.parametrize(("page", "width", "scheme"), EVERY_VIEW)
def test_no_content_security_policy_violation(visits, settings, page, width, scheme):
    seen = visits(page, width, scheme)
    # Served as the hosts serve it, or a clean result would prove nothing about the policy.
    assert seen.csp == settings["SECURITY_HEADERS"]["Content-Security-Policy"], f"{seen.label}: csp-sent: {seen.csp}"
    problems = csp_problems(seen)
    assert not problems, report(problems)


@pytest.mark.parametrize(("page", "width", "scheme"), PHONE_VIEWS)
def test_no_horizontal_scroll_on_a_phone(visits, page, width, scheme):
    problems = horizontal_scroll_problems(visits(page, width, scheme))
    assert not problems, report(problems)


@pytest.mark.parametrize(("page", "width", "scheme"), EVERY_VIEW)
def test_the_disclaimer_is_visible_without_interaction(visits, page, width, scheme):
    problems = disclaimer_problems(visits(page, width, scheme))
    assert not problems, report(problems)


@pytest.mark.parametrize(("page", "width", "scheme"), EVERY_VIEW)
def test_no_page_shows_an_affiliate_link_before_the_notice(visits, page, width, scheme):
    problems = affiliate_notice_problems(visits(page, width, scheme))
    assert not problems, report(problems)


@pytest.mark.parametrize(("page", "width", "scheme"), AFFILIATE_VIEWS)
def test_the_affiliate_notice_is_visible_above_the_first_affiliate_link(visits, page, width, scheme):
    seen = visits(page, width, scheme)
    assert seen.affiliate_links, f"{seen.label}: affiliate-links: no affiliate link found to check the notice against"
    problems = affiliate_notice_problems(seen)
    assert not problems, report(problems)


@pytest.mark.parametrize(("page", "width", "scheme"), EVERY_VIEW)
def test_a_screenshot_of_every_page_type_is_written(visits, page, width, scheme):
    seen = visits(page, width, scheme)
    assert seen.screenshot is not None and seen.screenshot.stat().st_size > 1000, seen.label


@pytest.mark.parametrize(("page", "width", "scheme"), EVERY_VIEW)
def test_a_page_does_not_shift_while_it_loads(visits, page, width, scheme):
    """Cumulative layout shift, as Chromium reports it to Lighthouse, from the first paint until the checks
    are done: the search page's script, which runs after load, has had its turn."""
    problems = layout_shift_problems(visits(page, width, scheme))
    assert not problems, report(problems)
