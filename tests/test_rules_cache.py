"""The rule cache (incremental builds) gives exactly the Problems the rules give; it never hides one."""

from __future__ import annotations

import re
from types import SimpleNamespace

from clinic import rules, rules_cache
from conftest import GOOD_ARTICLE

TODAY = 'RULES_TODAY="2026-11-15"'
FIXTURE = "articles/fixture.md"
# The settings of `invoke livereload` and the benchmark's incremental build.
CACHED = ("CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true", 'CONTENT_CACHING_LAYER="reader"')
SOURCE = "Title: X\n\nA miracle cure. ![](https://cdn.example.org/a.png) <script>x()</script> [a](pad.svg)\n"
HTML = ('<p>A miracle cure. <img src="https://cdn.example.org/a.png"> <script>x()</script> '
        '<a href="{filename}pad.svg">a</a></p>')


def _has(result, rule: str) -> bool:
    return any(re.match(rf"^(.*/)?content/{re.escape(FIXTURE)}:\d+: {re.escape(rule)}: .+; .+", line)
               for line in result.lines)


def test_an_edit_that_breaks_a_rule_fails_after_a_cached_passing_build(fixture_site, tmp_path):
    passed = fixture_site({FIXTURE: GOOD_ARTICLE}, TODAY, *CACHED)
    assert passed.returncode == 0, passed.stderr
    assert list((tmp_path / "cache" / "rules").iterdir()), "the passing article's results were recorded"
    broken = GOOD_ARTICLE.replace("Clinicians ask", "<iframe src=\"/x.html\"></iframe>\n\n![](missing.png)\n\nClinicians ask")
    failed = fixture_site({FIXTURE: broken}, TODAY, *CACHED)
    assert failed.returncode == 1, failed.stderr
    assert _has(failed, "raw-html-element") and _has(failed, "image-alt-missing"), failed.stderr
    assert "Traceback" not in failed.stderr
    again = fixture_site({FIXTURE: broken}, TODAY, *CACHED)  # the same failure, now read from the cache
    assert again.returncode == 1 and sorted(again.lines) == sorted(failed.lines), again.stderr


def _setup(settings, tmp_path, **changes):
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    article = SimpleNamespace(source_path=str(content / "x.md"), metadata={"title": "X"}, _content=HTML, sources=[])
    return article, {**settings, "PATH": str(content), "CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True,
                     "RULES_TODAY": "2026-11-15", **changes}


def _ids(problems) -> list[str]:
    return [p.rule for p in problems]


def test_cached_results_equal_fresh_ones_and_follow_settings_and_files(settings, tmp_path):
    article, on = _setup(settings, tmp_path)
    fresh = rules.check_article(article, {**on, "CACHE_CONTENT": False}, SOURCE)
    rules_cache.start_run()
    assert rules_cache.check_article(article, on, SOURCE) == fresh  # stores it
    assert list((tmp_path / "cache" / "rules").iterdir())
    assert rules_cache.check_article(article, on, SOURCE) == fresh  # reads it
    assert {"privacy-external", "raw-html-element", "link-missing", "claim-flagged"} <= set(_ids(fresh))

    # A setting the rules read: no flagged claims, and the CDN as the site's own origin.
    changed = {**on, "FLAGGED_CLAIMS": [], "SITEURL": "https://cdn.example.org"}
    assert rules_cache.check_article(article, changed, SOURCE) == rules.check_article(article, changed, SOURCE)
    assert not {"claim-flagged", "privacy-external"} & set(_ids(rules_cache.check_article(article, changed, SOURCE)))

    # The linked file appears in the next run: link-missing goes; removed again, it comes back.
    (tmp_path / "content" / "pad.svg").write_text("<svg/>", encoding="utf-8")
    rules_cache.start_run()
    assert "link-missing" not in _ids(rules_cache.check_article(article, on, SOURCE))
    (tmp_path / "content" / "pad.svg").unlink()
    rules_cache.start_run()
    assert rules_cache.check_article(article, on, SOURCE) == fresh


def test_date_rules_always_run_and_a_changed_article_is_checked_again(settings, tmp_path):
    article, on = _setup(settings, tmp_path, REQUIRED_METADATA=[])
    source = SOURCE.replace("Title: X\n", "Title: X\nLast_reviewed: 2026-11-01\n")
    rules_cache.start_run()
    assert "review-overdue" not in _ids(rules_cache.check_article(article, on, source))
    later = {**on, "RULES_TODAY": "2028-01-01"}
    assert "review-overdue" in _ids(rules_cache.check_article(article, later, source))

    article._content = "<p>Nothing loaded.</p>"
    assert rules_cache.check_article(article, on, source) == rules.check_article(article, on, source)
    assert "raw-html-element" not in _ids(rules_cache.check_article(article, on, source))


def test_the_cache_is_only_used_with_the_content_cache(settings, tmp_path):
    article, on = _setup(settings, tmp_path, CACHE_CONTENT=False)
    rules_cache.start_run()
    assert rules_cache.check_article(article, on, SOURCE) == rules.check_article(article, on, SOURCE)
    assert not (tmp_path / "cache" / "rules").exists()


def test_a_glossary_edit_reaches_the_cached_plain_language_rules(fixture_site):
    """The reading grade and the abbreviation rule read the glossary: cached results must follow its edits."""
    article = GOOD_ARTICLE.replace("Clinicians ask", "Ask about QST. Clinicians ask")
    glossary = "- term: QST\n  expansion: quantitative sensory testing\n  definition: Tests of touch.\n"
    passed = fixture_site({FIXTURE: article, "glossary.yml": glossary}, TODAY, *CACHED, "READING_GRADE_MAX=30.0")
    assert passed.returncode == 0, passed.stderr
    failed = fixture_site({FIXTURE: article, "glossary.yml": "[]\n"}, TODAY, *CACHED, "READING_GRADE_MAX=30.0")
    assert failed.returncode == 1 and _has(failed, "abbreviation-unexplained"), failed.stderr
