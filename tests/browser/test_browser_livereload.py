"""`invoke livereload` in Chromium: a save that breaks the build shows its problems on the open page, and
the next good save clears them.

The preview runs as the task runs it (clinic.writers.preview.serve_live: python-livereload's Server, the live
rebuild, the problem panel) in a child process, on a small fixture site of its own.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from conftest import BODY_END, FIRST_NEW_LINE, FIXTURE_TODAY, GOOD_ARTICLE, ROOT, make_content

pytestmark = pytest.mark.browser

FIXTURE = "articles/fixture.md"
NEW_LINE = FIRST_NEW_LINE
# Each save, what the page must then show: the panel's lines (none after a good build) and a text of the page.
SAVES = [
    ("[the risks](/articles/no-such-article/) are listed.", [f"{FIXTURE}:{NEW_LINE}", "link-missing",
                                                             "links to /articles/no-such-article/"]),
    ("Regular hours help sleep.", []),
    ("Sleep is studied too.[^nobody2020]", [f"{FIXTURE}:{NEW_LINE}", "footnote-undefined", "[^nobody2020]"]),
    ("Regular meals help sleep too.", []),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LivePreview:
    """serve_live in a child process; its output kept line by line, to wait on."""

    def __init__(self, root):
        self.content = make_content(root, {FIXTURE: GOOD_ARTICLE})
        self.output, self.port, self.lines = root / "output", _free_port(), []
        overrides = {"PATH": str(self.content), "CACHE_PATH": str(root / "cache"), "RULES_TODAY": FIXTURE_TODAY}
        code = ("import json, sys; from clinic.writers.preview import serve_live; "
                "serve_live('pelicanconf.py', sys.argv[1], '127.0.0.1', int(sys.argv[2]), [sys.argv[3]], "
                "json.loads(sys.argv[4]))")
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(self.output), str(self.port), str(self.content), json.dumps(overrides)],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")}, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}"

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, page=None, timeout: float = 60) -> None:
        """Wait for a line of the preview's output (Pelican's log filter drops a message it has seen once,
        so each is waited for once per process). With a page, Playwright goes on handling its events."""
        end = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert self.process.poll() is None, "\n".join(self.lines)
            assert time.monotonic() < end, f"no {text!r} from the preview:\n" + "\n".join(self.lines)
            page.wait_for_timeout(100) if page is not None else time.sleep(0.1)

    def save(self, text: str) -> None:
        article = GOOD_ARTICLE.replace(BODY_END, BODY_END + "\n" + text + "\n")
        (self.content / FIXTURE).write_text(article, encoding="utf-8")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def live(tmp_path):
    preview = LivePreview(tmp_path)
    try:
        preview.wait_for("Live preview at")
        urllib.request.urlopen(preview.url + "/", timeout=10).close()
        yield preview
    finally:
        preview.stop()


@pytest.mark.parametrize("width", [375, 1280])
def test_a_broken_save_shows_its_problems_on_the_open_page_and_a_good_one_clears_them(browser, live, screenshots,
                                                                                      width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(live.url + "/articles/fixture-article/")
        live.wait_for("Browser Connected", page)
        panel = page.locator("#preview-problems")
        assert panel.count() == 0
        for number, (text, shown) in enumerate(SAVES, start=1):
            # livereload merges reloads closer than a second apart (clinic.writers.preview.RELOAD_TIME). A sleep here
            # would hold Playwright's event loop, and with it the browser's reload.
            page.wait_for_timeout(1500)
            live.save(text)
            if shown:
                # Each broken save's panel names its own rule and link, so this waits for this save's reload.
                panel.filter(has_text=shown[-1]).wait_for(state="visible", timeout=30_000)
                for expected in shown:
                    assert expected in panel.inner_text(), panel.inner_text()
                # Under the panel is the last good build; only the server's reply carries the panel.
                main = " ".join(page.locator("main").inner_text().split())
                assert " ".join(page.locator("h1").inner_text().split()) == "A fixture article about sleep and pain"
                assert number == 1 or SAVES[number - 2][0] in main, main
                built = (live.output / "articles/fixture-article/index.html").read_text(encoding="utf-8")
                assert "preview-problems" not in built and "__preview__" not in built
            else:
                page.get_by_text(text).wait_for(timeout=30_000)
                assert panel.count() == 0
            page.screenshot(path=str(screenshots / f"livereload-{number}-{width}.png"))
    finally:
        context.close()
