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
