"""GitHub Pages sends none of our headers. The production build, served by a plain static server that
sends none either, works under the policy each page carries in its <meta>, and a script written into a
built page afterwards does not run."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading

import pytest

from .checks import CSP_LISTENER, block_foreign_requests, is_local
from .pages import PAGES

pytestmark = pytest.mark.browser

INJECTED = ('<script>document.title = "inline script ran"</script>'
            '<img src="/theme/img/favicon.svg?injected" alt="" onload="document.title = \'handler ran\'">')
ARTICLE = "/articles/iv-ketamine-infusions/"


class PlainHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def plain_server():
    """serve(root) -> address: Python's own static server, no headers of ours, on a free local port."""
    servers = []

    def serve(root) -> str:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                 functools.partial(PlainHandler, directory=str(root)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def bare(plain_server, site):
    return plain_server(site)


@pytest.fixture
def tab(browser, bare):
    """A tab recording console errors, uncaught errors, CSP violations and requests leaving the site."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    block_foreign_requests(context, bare)
    page = context.new_page()
    page.add_init_script(CSP_LISTENER)
    page.troubles = []
    page.on("console", lambda m: page.troubles.append(f"console-{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: page.troubles.append(f"uncaught: {e}"))
    page.on("request", lambda r: None if is_local(r.url, bare) else page.troubles.append(f"third-party: {r.url}"))
    yield page
    context.close()


def _paths():
    # The plain server has no clean-URL 404; GitHub Pages serves /404.html, so that is the page to load.
    return [(p.name, "/404.html" if p.status == 404 else p.path) for p in PAGES]


@pytest.mark.parametrize("name,path", _paths(), ids=[name for name, _ in _paths()])
def test_every_page_type_works_under_its_meta_policy_with_no_headers(tab, bare, name, path):
    response = tab.goto(bare + path)
    assert response.status == 200
    assert not {h.lower() for h in response.headers} & {"content-security-policy", "x-frame-options"}
    tab.wait_for_load_state("load")
    policy = tab.locator('head meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert tab.evaluate("window.__cspViolations") == []
    assert tab.troubles == []


def test_search_finds_an_article_under_the_meta_policy(tab, bare, screenshots):
    tab.goto(bare + "/search/?q=infusions")
    result = tab.locator(f'[data-search-results] a[href$="{ARTICLE}"]').first
    result.wait_for(state="visible", timeout=15_000)
    assert tab.locator("[data-search-results] a").count() >= 1
    tab.screenshot(path=str(screenshots / "meta-policy-search-1280.png"), full_page=False)
    assert tab.evaluate("window.__cspViolations") == []
    assert tab.troubles == []


def _injected_copy(site, tmp_path, keep_policy: bool):
    copy = tmp_path / ("with-policy" if keep_policy else "without-policy")
    shutil.copytree(site, copy)
    page = copy / ARTICLE.strip("/") / "index.html"
    html = page.read_text(encoding="utf-8")
    if not keep_policy:
        html, removed = re.subn(r'<meta[^>]*http-equiv="?Content-Security-Policy"?[^>]*>', "", html)
        assert removed == 1
    page.write_text(html.replace("</body>", INJECTED + "</body>"), encoding="utf-8")
    return copy


@pytest.mark.parametrize("width", [375, 1280])
def test_an_inline_script_written_into_a_built_page_does_not_run(browser, plain_server, site, tmp_path,
                                                                 screenshots, width):
    address = plain_server(_injected_copy(site, tmp_path, keep_policy=True))
    context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
    block_foreign_requests(context, address)
    page = context.new_page()
    page.add_init_script(CSP_LISTENER)
    console = []
    page.on("console", lambda m: console.append(m.text))
    page.goto(address + ARTICLE)
    page.wait_for_load_state("load")
    page.wait_for_function("window.__cspViolations.length >= 2")
    title = page.title()
    page.screenshot(path=str(screenshots / f"meta-policy-injected-{width}.png"))
    context.close()
    assert title not in ("inline script ran", "handler ran") and "ketamine" in title.lower()
    violations = [v for v in console if "Content Security Policy" in v]
    assert len(violations) >= 2, console  # Chromium names both the script and the handler it refused
    assert any("inline script" in v.lower() or "script-src" in v for v in violations), console


def test_the_same_injection_runs_once_the_meta_policy_is_gone(browser, plain_server, site, tmp_path):
    # The control: the injected script is real, and only the page's own <meta> stops it.
    address = plain_server(_injected_copy(site, tmp_path, keep_policy=False))
    context = browser.new_context(service_workers="block")
    block_foreign_requests(context, address)
    page = context.new_page()
    page.goto(address + ARTICLE)
    page.wait_for_load_state("load")
    page.wait_for_function("['inline script ran', 'handler ran'].includes(document.title)", timeout=5_000)
    title = page.title()
    context.close()
    assert title in ("inline script ran", "handler ran")
