"""Which Chromium the browser tests drive, decided without touching the machine."""

from __future__ import annotations

import pytest

from chromium import HOW_TO_GET, NoChromium, choose_chromium

DEBIAN = {"chromium": "/usr/bin/chromium"}


def which_from(table):
    return table.get


def executable(*paths):
    return set(paths).__contains__


def no_playwright_browser():
    return None


def asked_playwright():
    raise AssertionError("Playwright was asked although a system Chromium was there")


def test_debian_chromium_is_preferred_over_playwrights_own():
    chosen = choose_chromium({}, which_from(DEBIAN), executable("/usr/bin/chromium"), asked_playwright)
    assert chosen == "/usr/bin/chromium"


def test_ubuntus_chromium_browser_name_is_found_too():
    table = {"chromium-browser": "/usr/bin/chromium-browser"}
    assert choose_chromium({}, which_from(table), executable("/usr/bin/chromium-browser"),
                           asked_playwright) == "/usr/bin/chromium-browser"


def test_playwrights_own_browser_is_used_on_a_laptop_without_chromium():
    own = "/home/me/.cache/ms-playwright/chromium-1200/chrome-linux/chrome"
    assert choose_chromium({}, which_from({}), executable(own), lambda: own) is None


def test_the_chromium_variable_wins_over_everything():
    env = {"CHROMIUM": "/opt/chromium/chrome"}
    chosen = choose_chromium(env, which_from(DEBIAN), executable("/opt/chromium/chrome", "/usr/bin/chromium"),
                             asked_playwright)
    assert chosen == "/opt/chromium/chrome"


def test_a_chromium_variable_naming_nothing_fails_with_how_to_get_one():
    with pytest.raises(NoChromium, match="CHROMIUM=/nowhere is not an executable file; no Chromium"):
        choose_chromium({"CHROMIUM": "/nowhere"}, which_from(DEBIAN), executable("/usr/bin/chromium"),
                        asked_playwright)


@pytest.mark.parametrize("ci", [{"CI": "true"}, {}], ids=["in-ci", "on-a-laptop"])
def test_no_browser_at_all_is_a_failure_with_one_line_saying_how_to_get_one(ci):
    not_downloaded = "/home/me/.cache/ms-playwright/chromium-1200/chrome-linux/chrome"
    with pytest.raises(NoChromium) as missing:
        choose_chromium(ci, which_from({}), executable(), lambda: not_downloaded)
    message = str(missing.value)
    assert message == HOW_TO_GET
    assert "\n" not in message
    assert "apt-get install chromium" in message and ".venv/bin/playwright install chromium" in message
