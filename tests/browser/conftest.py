"""Browser fixtures: one Chromium per session, the built site served on localhost, one context per view.

A missing browser fails every browser test with one line saying how to get one; nothing is skipped,
on CI or anywhere else (the README's test command names the requirement).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from .checks import Visit, block_foreign_requests, visit
from .pages import Page
from chromium import LAUNCH_ARGS, NoChromium, find_chromium
from clinic.headers import by_path
from clinic.release.serve import make_server

ROOT = Path(__file__).resolve().parents[2]
# One folder per run, so two runs at once (people share machines) never delete each other's pictures.
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots" / time.strftime(f"%Y%m%d-%H%M%S-{os.getpid()}", time.gmtime())
KEEP_RUNS = 3  # about 20 MB a run


def pytest_terminal_summary(terminalreporter):
    if _screenshots_taken:
        terminalreporter.write_line(f"browser screenshots of every page type: {SCREENSHOTS}")


_screenshots_taken: list[Path] = []


@pytest.fixture(scope="session")
def chromium_executable() -> str | None:
    try:
        return find_chromium()
    except NoChromium as missing:
        message = str(missing)
    pytest.fail(message, pytrace=False)  # outside `except`, so the one line is all that is shown


@pytest.fixture(scope="session")
def playwright_driver(chromium_executable):
    # After the browser is found: finding Playwright's own browser runs a driver of its own, and two
    # sync drivers cannot run at once.
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(playwright_driver, chromium_executable):
    # launch() gives every run a fresh temporary profile of its own, so no cache or storage carries over.
    launched = playwright_driver.chromium.launch(executable_path=chromium_executable, args=LAUNCH_ARGS)
    yield launched
    launched.close()


def serve_directory(root: Path, headers: dict[str, str] | None = None, path_headers: dict | None = None):
    """Serve `root` on 127.0.0.1 (a free port) in a thread, sending `headers` (the CSP) on every reply,
    or a folder's own (`path_headers`, the editor's at /admin/)."""
    server = make_server(root, "127.0.0.1", 0, headers=headers, path_headers=path_headers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def origin(site, settings):
    """The production build, served as the hosts serve it: under the site's security headers."""
    server, address = serve_directory(site, settings["SECURITY_HEADERS"], by_path(settings))
    yield address
    server.shutdown()
    server.server_close()


@pytest.fixture
def serve_tmp(settings):
    """Serve a directory of deliberately broken pages; stopped after the test."""
    servers = []

    def serve(root: Path, headers: dict[str, str] | None = None) -> str:
        server, address = serve_directory(root, headers)
        servers.append(server)
        return address

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def new_view(browser, origin: str, width: int, scheme: str):
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme,
                                  reduced_motion="reduce", service_workers="block")
    block_foreign_requests(context, origin)
    return context


@pytest.fixture(scope="session")
def views(browser, origin):
    """One browser context per (width, scheme), made when first needed."""
    made = {}

    def get(width: int, scheme: str):
        if (width, scheme) not in made:
            made[(width, scheme)] = new_view(browser, origin, width, scheme)
        return made[(width, scheme)]

    yield get
    for context in made.values():
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True)
    _screenshots_taken.append(SCREENSHOTS)
    for old_run in sorted(SCREENSHOTS.parent.iterdir())[:-KEEP_RUNS]:  # names sort by start time
        shutil.rmtree(old_run, ignore_errors=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def visits(views, origin, settings, screenshots):
    """visits(page, width, scheme) -> the Visit, loaded once per session however many rules ask."""
    done: dict[tuple, Visit | Exception] = {}

    def get(page: Page, width: int, scheme: str) -> Visit:
        key = (page.name, width, scheme)
        if key not in done:
            scope, text = (("main", settings["MEDICAL_DISCLAIMER"]) if page.article
                           else ("footer", settings["MEDICAL_DISCLAIMER_SHORT"]))
            try:
                done[key] = visit(
                    views(width, scheme), origin + page.path, f"{page.name} ({width}px, {scheme})",
                    origin=origin, settings=settings, disclaimer_scope=scope, disclaimer_text=text,
                    expected_status=page.status, screenshot=screenshots / f"{page.name}-{width}-{scheme}.png")
            except Exception as failed:  # a page that failed to load fails each rule at once, not after a wait
                done[key] = failed
        if isinstance(done[key], Exception):
            raise done[key]
        return done[key]

    return get
