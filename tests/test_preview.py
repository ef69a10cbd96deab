"""The live preview's problem panel is the development server's alone: no build writes it, and what it
shows is the problems' text, escaped. (tests/browser/test_browser_livereload.py drives it in Chromium.)"""

from __future__ import annotations

import io
import re
from wsgiref.util import setup_testing_defaults

from bs4 import BeautifulSoup

from clinic.writers.preview import PANEL_ID, STYLESHEET_URL, PreviewApp
from clinic.problems import Problem
from conftest import GOOD_ARTICLE, ROOT

TRACES = re.compile(r"preview-problems|__preview__|livereload", re.IGNORECASE)


def test_no_built_file_of_the_production_site_carries_the_preview(site):
    files = [path for path in site.rglob("*") if path.is_file() and path.suffix in (".html", ".css", ".js", ".xml")]
    assert len(files) > 30
    assert [str(path) for path in files if TRACES.search(path.read_text(encoding="utf-8"))] == []


def test_no_theme_file_carries_the_preview():
    files = [path for path in (ROOT / "theme").rglob("*") if path.is_file()]
    assert [str(path) for path in files if TRACES.search(path.read_text(encoding="utf-8", errors="replace"))] == []


def test_a_development_build_carries_no_preview_either(fixture_site):
    result = fixture_site({"articles/fixture.md": GOOD_ARTICLE}, settings_file=ROOT / "pelicanconf.py")
    assert result.returncode == 0, result.stderr
    pages = list(result.output.rglob("*.html"))
    assert pages and [str(p) for p in pages if TRACES.search(p.read_text(encoding="utf-8"))] == []


def _get(app, path: str):
    environ = {"PATH_INFO": path, "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def test_the_panel_shows_each_problem_escaped_and_goes_with_the_next_good_build(tmp_path):
    (tmp_path / "articles" / "x").mkdir(parents=True)
    (tmp_path / "articles" / "x" / "index.html").write_text(
        "<!doctype html><html><head><title>x</title></head><body><main>Last good</main></body></html>", encoding="utf-8")
    app = PreviewApp(tmp_path)
    app.problems = [Problem("content/articles/x.md", 14, "link-missing", "links to <script>alert(1)</script>",
                            "fix the address")]
    status, headers, body = _get(app, "/articles/x/")
    page = BeautifulSoup(body, "html.parser")
    panel = page.find(id=PANEL_ID)
    assert status.startswith("200") and headers["Cache-Control"] == "no-store"
    assert "content/articles/x.md:14 link-missing links to <script>alert(1)</script>; fix the address" in \
        " ".join(panel.get_text(" ").split())
    assert page.find("script") is None and page.find("main").get_text() == "Last good"
    assert page.find("link", href=STYLESHEET_URL) is not None
    assert _get(app, STYLESHEET_URL)[0].startswith("200")
    assert b"Last good" in (tmp_path / "articles" / "x" / "index.html").read_bytes()
    assert PANEL_ID.encode() not in (tmp_path / "articles" / "x" / "index.html").read_bytes()

    app.problems = []
    assert PANEL_ID.encode() not in _get(app, "/articles/x/")[2]


def test_the_preview_serves_like_the_hosts_and_stays_inside_the_output(tmp_path):
    (tmp_path / "out" / "a").mkdir(parents=True)
    (tmp_path / "out" / "a" / "index.html").write_text("<html><body>a</body></html>", encoding="utf-8")
    (tmp_path / "out" / "404.html").write_text("<html><body>not here</body></html>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    app = PreviewApp(tmp_path / "out")
    assert _get(app, "/a")[0].startswith("301") and _get(app, "/a")[1]["Location"] == "/a/"
    status, _, body = _get(app, "/../secret.txt")
    assert status.startswith("404") and b"not here" in body
    app.problems = [Problem("content", 0, "build-error", "the build failed", "see the terminal")]
    assert PANEL_ID.encode() in _get(app, "/missing/")[2]  # even before any good build, the problems show


REBUILD_THREE_TIMES = """
import json, sys
from clinic.writers.preview import PreviewApp, rebuilder
content, output, cache, fixed = sys.argv[1:5]
app = PreviewApp(output)
rebuild = rebuilder(app, "pelicanconf.py", output, {"PATH": content, "CACHE_PATH": cache, "RULES_TODAY": "2026-11-15"})
seen = []
for step in ("broken", "saved again", "fixed"):
    if step == "fixed":
        open(content + "/articles/fixture.md", "w", encoding="utf-8").write(fixed)
    rebuild()
    seen.append(sorted({p.rule for p in app.problems}))
print(json.dumps(seen))
"""


def test_a_save_that_repeats_a_warning_still_shows_it_until_it_is_fixed(tmp_path):
    # Pelican logs a warning only once per process; the preview rebuilds in one process for hours.
    import json
    import os
    import subprocess
    import sys

    from conftest import make_content

    broken = GOOD_ARTICLE.replace("Clinicians ask", "See [the tag]({tagged}sleep). Clinicians ask")
    content = make_content(tmp_path, {"articles/fixture.md": broken})
    done = subprocess.run([sys.executable, "-c", REBUILD_THREE_TIMES, str(content), str(tmp_path / "output"),
                           str(tmp_path / "cache"), GOOD_ARTICLE], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == [["pelican-warning"], ["pelican-warning"], []], done.stderr


def test_a_good_build_after_a_broken_one_in_the_same_process_still_writes_its_sitemap(tmp_path):
    # The live preview rebuilds in one process: a save stopped by a rule must not cost the next one its sitemap.
    from conftest import BODY_END, build_site_from

    broken = build_site_from(tmp_path / "broken", {"articles/fixture.md": GOOD_ARTICLE.replace(
        BODY_END, BODY_END + "\nKetamine is a cure for CRPS.\n")})
    assert broken.returncode == 1 and "claim-flagged" in broken.stderr
    good = build_site_from(tmp_path / "good", {"articles/fixture.md": GOOD_ARTICLE})
    assert good.returncode == 0, good.stderr
    assert "/articles/fixture-article/" in (good.output / "sitemap.xml").read_text(encoding="utf-8")


def test_an_unchanged_broken_article_is_refused_again_by_each_live_rebuild(tmp_path, capsys):
    # The live rebuild reads an unchanged file from Pelican's content cache: its rule problems come with it.
    from conftest import BODY_END, FIXTURE_TODAY, make_content
    from clinic.build.runner import live_rebuild

    content = make_content(tmp_path, {"articles/fixture.md": GOOD_ARTICLE.replace(
        BODY_END, BODY_END + "\nKetamine is a cure for CRPS.\n")})
    overrides = {"PATH": str(content), "CACHE_PATH": str(tmp_path / "cache"), "RULES_TODAY": FIXTURE_TODAY}
    for attempt in ("first", "from the cache"):
        assert live_rebuild(ROOT / "pelicanconf.py", tmp_path / "output", overrides) == 1, attempt
        assert "content/articles/fixture.md" in capsys.readouterr().err.split("claim-flagged")[0], attempt
    assert any((tmp_path / "cache").rglob("*")), "the second rebuild did not read from a cache"
