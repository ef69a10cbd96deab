"""The browser checks can fail: deliberately broken pages, served and visited like the real site, are
caught by the right rule with a message naming the page and the rule."""

from __future__ import annotations

import pytest

from .checks import (
    affiliate_notice_problems,
    axe_problems,
    console_problems,
    csp_problems,
    disclaimer_problems,
    foreign_request_problems,
    horizontal_scroll_problems,
    is_local,
    layout_shift_problems,
    skip_link_problems,
    tab_walk_problems,
    visit,
)
from conftest import GOOD_ARTICLE

from .conftest import new_view

pytestmark = pytest.mark.browser

FIXTURE_CSS = """
body { font: 16px/1.5 sans-serif; color: #111; background: #fff; }
.faint { color: #c4c4c4; }
.wide { width: 900px; }
.gone { display: none; }
.no-focus:focus { outline: none; }
.pushed-down { animation: push-down 0.1s 0.2s forwards; }
@keyframes push-down { to { margin-top: 400px; } }
"""

BROKEN_BODIES = {
    "low-contrast-text": '<p class="faint">Pale grey text on white is hard to read.</p>',
    "image-without-alt": '<p>A diagram:</p><img src="/pixel.svg" width="10" height="10">',
    "external-script": '<p>A page that calls a tracker.</p><script src="https://cdn.example.net/track.js"></script>',
    "too-wide": '<div class="wide">A block wider than any phone.</div>',
    "link-before-notice": ('<p><a href="https://www.amazon.com/dp/B000000000?tag=exampleclinic-20" '
                           'rel="sponsored nofollow noopener noreferrer">A product</a></p>'
                           '<aside><p>{affiliate}</p></aside>'),
    "shifts-late": '<p class="pushed-down">Text that moves down the screen after the page has loaded.</p>',
    "no-focus-style": '<p><a class="no-focus" href="/elsewhere/">A link that hides its focus</a></p>',
}


def page_html(body: str, short_disclaimer: str, *, skip_link: bool = True, hide_disclaimer: bool = False) -> str:
    skip = '<a href="#main">Skip to main content</a>' if skip_link else ""
    footer_class = "gone" if hide_disclaimer else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Broken fixture</title><link rel="stylesheet" href="/fixture.css"></head>'
        f'<body>{skip}<main id="main" tabindex="-1"><h1>Broken fixture</h1>{body}</main>'
        f'<footer><p class="{footer_class}">{short_disclaimer}</p></footer></body></html>'
    )


def write_broken_pages(tmp_path, settings):
    """A directory of small pages, each broken in one way."""
    (tmp_path / "fixture.css").write_text(FIXTURE_CSS)
    (tmp_path / "pixel.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    short = settings["MEDICAL_DISCLAIMER_SHORT"]
    pages = {name: body.replace("{affiliate}", settings["AFFILIATE_NOTICE"]) for name, body in BROKEN_BODIES.items()}
    pages["hidden-disclaimer"] = "<p>The footer's disclaimer is hidden.</p>"
    pages["no-skip-link"] = '<p><a href="/elsewhere/">A link</a></p>'
    for name, body in pages.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "index.html").write_text(page_html(
            body, short, skip_link=name != "no-skip-link", hide_disclaimer=name == "hidden-disclaimer"))
    return tmp_path


@pytest.fixture
def broken_site(tmp_path, settings, serve_tmp):
    """The broken pages, served under the site's own headers (its CSP)."""
    return serve_tmp(write_broken_pages(tmp_path, settings), settings["SECURITY_HEADERS"])


@pytest.fixture
def phone(browser):
    made = []

    def get(origin: str):
        made.append(new_view(browser, origin, 375, "light"))
        return made[-1]

    yield get
    for context in made:
        context.close()


def look_at(phone, origin: str, name: str, settings):
    return visit(phone(origin), f"{origin}/{name}/", f"{name} (375px, light)", origin=origin, settings=settings,
                 disclaimer_scope="footer", disclaimer_text=settings["MEDICAL_DISCLAIMER_SHORT"])


def only_line_with(problems: list[str], *words: str) -> str:
    matching = [line for line in problems if all(word in line for word in words)]
    assert matching, f"no problem names {words}; got {problems}"
    return matching[0]


def test_a_low_contrast_colour_fails_axe_naming_the_page_and_rule(broken_site, phone, settings):
    seen = look_at(phone, broken_site, "low-contrast-text", settings)
    line = only_line_with(axe_problems(seen), "low-contrast-text (375px, light)", "axe color-contrast")
    assert ".faint" in line or "p" in line


def test_an_image_without_alt_fails_axe_naming_the_page_and_rule(broken_site, phone, settings):
    seen = look_at(phone, broken_site, "image-without-alt", settings)
    only_line_with(axe_problems(seen), "image-without-alt (375px, light)", "axe image-alt")


def test_an_external_script_is_a_third_party_request_and_never_leaves(broken_site, phone, settings):
    seen = look_at(phone, broken_site, "external-script", settings)
    only_line_with(foreign_request_problems(seen, broken_site),
                   "external-script (375px, light)", "third-party-request", "https://cdn.example.net/track.js")
    # The site's CSP refuses it and the browser reports that, as a violation and on the console.
    only_line_with(csp_problems(seen), "external-script (375px, light)", "csp-violation", "script-src")
    only_line_with(console_problems(seen), "external-script (375px, light)", "console-error")


def test_without_a_csp_the_browser_itself_stops_the_external_script(tmp_path, settings, serve_tmp, phone):
    origin = serve_tmp(write_broken_pages(tmp_path, settings))
    seen = look_at(phone, origin, "external-script", settings)
    only_line_with(foreign_request_problems(seen, origin), "external-script (375px, light)", "third-party-request")
    assert not seen.csp_violations
    only_line_with(console_problems(seen), "external-script (375px, light)", "ERR_BLOCKED_BY_CLIENT")


def test_a_block_wider_than_a_phone_is_horizontal_scroll(broken_site, phone, settings):
    seen = look_at(phone, broken_site, "too-wide", settings)
    only_line_with(horizontal_scroll_problems(seen), "too-wide (375px, light)", "horizontal-scroll")


def test_text_that_moves_after_load_is_a_layout_shift(broken_site, phone, settings):
    seen = look_at(phone, broken_site, "shifts-late", settings)
    only_line_with(layout_shift_problems(seen), "shifts-late (375px, light)", "layout-shift")


def test_a_hidden_disclaimer_is_not_visible(broken_site, phone, settings):
    seen = look_at(phone, broken_site, "hidden-disclaimer", settings)
    only_line_with(disclaimer_problems(seen), "hidden-disclaimer (375px, light)", "disclaimer-visible")


def test_an_affiliate_link_above_the_notice_fails(broken_site, phone, settings):
    seen = look_at(phone, broken_site, "link-before-notice", settings)
    only_line_with(affiliate_notice_problems(seen), "link-before-notice (375px, light)", "affiliate-notice-first")


def test_a_page_without_a_skip_link_fails_the_keyboard_check(broken_site, phone):
    problems = skip_link_problems(phone(broken_site), f"{broken_site}/no-skip-link/", "no-skip-link (375px, light)")
    only_line_with(problems, "no-skip-link (375px, light)", "skip-link-first")


def test_a_link_that_hides_its_focus_fails_the_focus_check(broken_site, phone):
    problems = tab_walk_problems(phone(broken_site), f"{broken_site}/no-focus-style/", "no-focus-style (375px, light)")
    only_line_with(problems, "no-focus-style (375px, light)", "focus-visible", "A link that hides its focus")


def test_a_theme_with_a_low_contrast_colour_fails_axe_on_the_built_article(
        fixture_site, theme_copy, serve_tmp, phone, settings):
    """The same failure through the real theme and build: a theme change that greys out body text."""
    css = theme_copy / "static" / "css" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nmain p { color: #c4c4c4 !important; }\n", encoding="utf-8")
    built = fixture_site({"articles/fixture.md": GOOD_ARTICLE}, theme=theme_copy)
    assert built.returncode == 0, built.stderr
    origin = serve_tmp(built.output, settings["SECURITY_HEADERS"])
    seen = visit(phone(origin), f"{origin}/articles/fixture-article/", "fixture-article (375px, light)",
                 origin=origin, settings=settings, disclaimer_scope="main",
                 disclaimer_text=settings["MEDICAL_DISCLAIMER"])
    only_line_with(axe_problems(seen), "fixture-article (375px, light)", "axe color-contrast")


@pytest.mark.parametrize(("url", "local"), [
    ("http://127.0.0.1:8123/theme/css/site.css", True),
    ("data:image/svg+xml,%3Csvg%3E", True),
    ("blob:http://127.0.0.1:8123/5f0c", True),
    ("http://127.0.0.1:9999/elsewhere.js", False),   # another local server is another origin
    ("http://localhost:8123/site.css", False),
    ("https://127.0.0.1:8123/site.css", False),
    ("https://fonts.googleapis.com/css2?family=Inter", False),
    ("wss://cdn.example.net/socket", False),
])
def test_only_the_served_origin_counts_as_local(url, local):
    assert is_local(url, "http://127.0.0.1:8123") is local
