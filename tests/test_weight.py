"""Page weight budget: an article's first visit stays under 30 KB gzip-compressed and under 5 requests.

Measured on the real site built with production settings, with benchmarks/weight.py's own functions,
so the test and the benchmark can never disagree about what a page weighs. Nothing here is timed.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("clinic_weight_benchmark", ROOT / "benchmarks" / "weight.py")
weight = sys.modules[_spec.name] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(weight)


def article_pages(output: Path) -> list[str]:
    return weight.pages_of_type(output, "article") + weight.pages_of_type(output, "article with affiliate links")


def test_every_article_page_is_under_the_weight_budget(site, settings):
    assert article_pages(site), "the built site has no article pages to weigh"
    assert weight.budget_problems(site, settings["SITE_PUBLIC_URL"]) == []


def test_an_article_first_visit_counts_the_html_the_stylesheet_and_what_it_loads(site, settings):
    rel = article_pages(site)[0]
    measured = weight.page_weight(site, rel, settings["SITE_PUBLIC_URL"])
    html = (site / rel).read_bytes()
    assert measured.requests >= 2, "an article loads at least its HTML and the stylesheet"
    assert measured.raw > len(html)
    assert 0 < measured.brotli <= measured.gzip < measured.raw
    assert measured.missing == [] and measured.external == []


@pytest.mark.parametrize("page_type", list(weight.PAGE_TYPES))
def test_every_page_type_is_built_and_weighed(site, settings, page_type):
    heaviest = weight.heaviest(site, page_type, settings["SITE_PUBLIC_URL"])
    assert heaviest is not None, f"no {page_type} page in the built site"
    assert heaviest.gzip > 0 and heaviest.requests >= 1


def _fake_site(tmp_path: Path, body: str) -> Path:
    page = tmp_path / "articles" / "heavy" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f"<!doctype html><html><head>{body}</head><body><main>text</main></body></html>")
    return tmp_path


def test_an_article_over_the_byte_budget_is_reported(tmp_path):
    site = _fake_site(tmp_path, '<link rel="stylesheet" href="/big.css">')
    (site / "big.css").write_bytes(os.urandom(40 * 1024))  # random bytes do not compress
    problems = weight.budget_problems(site)
    assert len(problems) == 1 and problems[0].startswith("articles/heavy/index.html:") and "KB" in problems[0]


def test_an_article_over_the_request_budget_is_reported(tmp_path):
    scripts = "".join(f'<script src="/js/{n}.js"></script>' for n in range(4))
    site = _fake_site(tmp_path, scripts)
    (site / "js").mkdir()
    for n in range(4):
        (site / "js" / f"{n}.js").write_text("// small\n")
    problems = weight.budget_problems(site)
    assert problems == ["articles/heavy/index.html: 5 requests, budget is under 5"]


# --- Delivery: hashed asset URLs, minified and pre-compressed production output ------------------------

import brotli  # noqa: E402
import gzip as gzip_module  # noqa: E402
import hashlib  # noqa: E402
import re  # noqa: E402

from clinic.build import delivery as assets  # noqa: E402

THEME_URL = re.compile(r"""\b(?:href|src)=["']?(/theme/[^"'\s>]+)""")


def test_production_pages_link_theme_files_by_their_content_hash(site):
    linked = {url for page in site.rglob("*.html") for url in THEME_URL.findall(page.read_text(encoding="utf-8"))}
    assert any(url.startswith("/theme/css/site.css?v=") for url in linked)
    for url in linked:
        path, _, version = url.partition("?v=")
        source = ROOT / "theme" / "static" / path.removeprefix("/theme/")
        assert version == hashlib.sha256(source.read_bytes()).hexdigest()[:10], url


def test_a_template_linking_a_theme_file_without_its_hash_is_rejected(fixture_site, theme_copy):
    from conftest import GOOD_ARTICLE

    base = theme_copy / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("{{ asset('css/site.css') }}", "/theme/css/site.css"),
                    encoding="utf-8")
    result = fixture_site({"articles/fixture-article.md": GOOD_ARTICLE}, theme=theme_copy)
    assert result.returncode != 0
    assert any(line.startswith("index.html:") and ": asset-unversioned: /theme/css/site.css" in line
               for line in result.lines), result.stderr


def test_production_html_and_css_are_minified(site):
    css = (site / "theme" / "css" / "site.css").read_text(encoding="utf-8")
    assert len(css) < len((ROOT / "theme" / "static" / "css" / "site.css").read_text(encoding="utf-8"))
    assert "/*" not in css and "\n" not in css.strip()
    for page in ["index.html", *article_pages(site)]:
        html = (site / page).read_text(encoding="utf-8")
        assert assets.minify_html(html) == html, f"{page} is not minified"
        assert html.startswith("<!doctype html><html lang=")


def test_every_text_file_has_gzip_and_brotli_copies_of_its_final_bytes(site):
    checked = 0
    for path in site.rglob("*"):
        if path.suffix not in (".html", ".css", ".xml", ".js") or path.stat().st_size < 1024:
            continue
        data = path.read_bytes()
        assert gzip_module.decompress(path.with_name(path.name + ".gz").read_bytes()) == data, path
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == data, path
        checked += 1
    assert checked > 10


def test_two_production_builds_are_byte_identical_with_or_without_worker_processes(tmp_path):
    import shutil

    from conftest import CONTENT, PROD_SETTINGS, run_build

    # A snapshot, so that writers saving content meanwhile cannot make the two builds differ.
    shutil.copytree(CONTENT, tmp_path / "content")
    # The first reads every file in worker processes (render/read_ahead.py), the second reads all in the build's own.
    ways = {"first": "READ_AHEAD_MIN_FILES=1", "second": "READ_WORKERS=0"}
    builds = [run_build(PROD_SETTINGS, tmp_path / name, f"PATH={tmp_path / 'content'}",
                        f"CACHE_PATH={tmp_path / 'cache'}", way) for name, way in ways.items()]
    assert [b.returncode for b in builds] == [0, 0], builds[0].stderr + builds[1].stderr

    def files(root: Path) -> dict[str, bytes]:
        # Pagefind names its index files by a hash of its own that differs between runs; it is not ours.
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and not p.relative_to(root).as_posix().startswith("pagefind/")}

    first, second = files(builds[0].output), files(builds[1].output)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_development_output_is_neither_minified_nor_compressed(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<!doctype html>\n<html lang=\"en\">\n  <body>\n    <p>text</p>\n  </body>\n</html>\n")
    before = page.read_text()
    assert assets.minify_output(tmp_path, {}) == [] and assets.precompress_output(tmp_path, {}) == []
    assert page.read_text() == before and sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]


def test_each_page_is_minified_and_each_text_file_compressed_after_the_build(tmp_path):
    settings = {"MINIFY_OUTPUT": True, "PRECOMPRESS_OUTPUT": True, "PRECOMPRESS_BROTLI_QUALITY": 5}
    page, feed = tmp_path / "a" / "index.html", tmp_path / "feeds" / "all.atom.xml"
    body = "    <p>  Pain that lasts  </p>\n" * 40  # long enough for the compressed copies to be smaller
    for path, text in ((page, f"<!DOCTYPE html>\n<html>\n  <body>\n{body}  </body>\n</html>\n"),
                       (feed, "<?xml version='1.0'?><feed>" + "<entry>x</entry>" * 200 + "</feed>")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    original_feed = feed.read_bytes()

    assert assets.minify_output(tmp_path, settings) == [] and assets.precompress_output(tmp_path, settings) == []

    html = page.read_text(encoding="utf-8")
    assert html == assets.minify_html(html) and "\n" not in html
    assert feed.read_bytes() == original_feed  # feeds are compressed, never minified
    for path in (page, feed):
        assert gzip_module.decompress(path.with_name(path.name + ".gz").read_bytes()) == path.read_bytes()
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == path.read_bytes()


def test_a_page_the_minifier_cannot_read_is_reported_once(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_bytes(b"<p>caf\xe9</p>")  # Latin-1, not UTF-8
    problems = assets.minify_output(tmp_path, {"MINIFY_OUTPUT": True})
    assert [(p.path, p.rule) for p in problems] == [("broken.html", "minify-failed")]
