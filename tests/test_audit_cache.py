"""The audit cache (incremental builds) only skips files it saw pass; it never hides a problem."""

from __future__ import annotations

import json
import re
import shutil

from clinic.audit import audit
from clinic.build import load_settings
from conftest import GOOD_ARTICLE, PROD_SETTINGS

TODAY = 'RULES_TODAY="2026-11-15"'
ARTICLE_PAGE = "articles/fixture-article/index.html"
# Affiliate links appear only in AFFILIATE_CATEGORIES (Guides).
WITH_AFFILIATE_LINK = GOOD_ARTICLE.replace("Clinicians ask", "A [heat pad](amazon-search:heat+pad) may help. Clinicians ask").replace(
    "Category: Chronic Pain", "Category: Guides")
# The settings of `invoke livereload` and the benchmark's incremental build.
CACHED = ("CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true", 'CONTENT_CACHING_LAYER="reader"')


def _has(result, page: str, rule: str) -> bool:
    return any(re.match(rf"^{re.escape(page)}:\d+: {re.escape(rule)}: .+; .+", line) for line in result.lines)


def test_a_theme_change_that_drops_the_disclaimer_fails_after_a_cached_passing_build(fixture_site, theme_copy, tmp_path):
    files = {"articles/fixture.md": GOOD_ARTICLE}
    passed = fixture_site(files, TODAY, *CACHED, theme=theme_copy)
    assert passed.returncode == 0, passed.stderr
    assert json.loads((tmp_path / "cache" / "audit.json").read_text(encoding="utf-8")), "the passing audit was recorded"
    (theme_copy / "templates" / "partials" / "disclaimer.html").write_text("", encoding="utf-8")
    failed = fixture_site(files, TODAY, *CACHED, theme=theme_copy)
    assert failed.returncode == 1, failed.stderr
    assert _has(failed, ARTICLE_PAGE, "disclaimer-missing"), failed.stderr


def test_a_tampered_built_page_is_caught_even_when_its_clean_version_is_cached(fixture_site, tmp_path):
    passed = fixture_site({"articles/fixture.md": WITH_AFFILIATE_LINK}, TODAY, *CACHED)
    assert passed.returncode == 0, passed.stderr
    settings = load_settings(PROD_SETTINGS, {"CACHE_CONTENT": True, "CACHE_PATH": str(tmp_path / "cache")})
    cached = audit(passed.output, settings)
    assert cached.problems == []
    uncached = audit(passed.output, {**settings, "CACHE_CONTENT": False})
    assert cached.lines() == uncached.lines(), "counts from the cache are the counts of a fresh audit"
    assert cached.affiliate_links > 0 and cached.notices_shown > 0

    tampered = tmp_path / "tampered"
    shutil.copytree(passed.output, tampered)
    page = tampered / ARTICLE_PAGE
    html = page.read_text(encoding="utf-8")
    stripped = re.sub(r'\srel="[^"]*sponsored[^"]*"', "", html, count=1)
    assert stripped != html
    page.write_text(stripped, encoding="utf-8")
    again = audit(tampered, settings)
    assert [p.rule for p in again.problems if p.path == ARTICLE_PAGE] == ["affiliate-rel", "privacy-referrer"]
    # A failing audit records nothing: the tampered page is parsed (and fails) every time.
    assert [p.rule for p in audit(tampered, settings).problems if p.path == ARTICLE_PAGE] == ["affiliate-rel",
                                                                                              "privacy-referrer"]
