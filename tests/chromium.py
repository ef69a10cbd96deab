"""Find the Chromium the browser tests drive: Debian's where installed (CI), Playwright's own on a laptop.

`invoke test` asks before pytest starts, and the browser tests' fixtures ask again, so that a machine
without a browser fails at once with one line saying how to get one. There is no skipping: the browser
tests are part of the suite everywhere.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping

HOW_TO_GET = (
    "no Chromium for the browser tests; install one with `apt-get install chromium` (Debian) "
    "or `.venv/bin/playwright install chromium` (laptop), or set CHROMIUM=/path/to/chromium"
)
SYSTEM_NAMES = ("chromium", "chromium-browser")
# Quiet, reproducible and offline: no sandbox (containers, CI), nothing phoning home.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


class NoChromium(Exception):
    """No usable browser; str(self) is the one line to show."""


def choose_chromium(env: Mapping[str, str], which: Callable[[str], str | None],
                    is_executable: Callable[[str], bool],
                    playwright_own: Callable[[], str | None]) -> str | None:
    """The executable_path to launch: a system Chromium's path, or None for Playwright's own browser.

    `playwright_own()` says where Playwright's downloaded Chromium would be (None when unknown); it is
    asked last because it starts Playwright's driver. Raises NoChromium when there is no browser.
    """
    chosen = env.get("CHROMIUM", "").strip()
    if chosen:
        if is_executable(chosen):
            return chosen
        raise NoChromium(f"CHROMIUM={chosen} is not an executable file; " + HOW_TO_GET)
    for name in SYSTEM_NAMES:
        path = which(name)
        if path and is_executable(path):
            return path
    own = playwright_own()
    if own and is_executable(own):
        return None
    raise NoChromium(HOW_TO_GET)


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _playwright_own() -> str | None:
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            return p.chromium.executable_path
    except Exception:  # no Playwright driver at all: same answer as no browser
        return None


def find_chromium() -> str | None:
    """choose_chromium() on this machine. Asks Playwright only when there is no system Chromium."""
    return choose_chromium(os.environ, shutil.which, _is_executable, _playwright_own)
