"""The feed-notice cache (incremental builds) gives exactly what notices.with_notices gives."""

from __future__ import annotations

from clinic import notice_cache, notices

LINKED = '<p>A <a href="https://www.amazon.com/s?k=heat+pad&amp;tag=clinic-20">heat pad</a> may help.</p>'
PLAIN = '<p>Rest, then walk a little further each day.</p>'


def _settings(settings, tmp_path, cached: bool = True, **changes) -> dict:
    return {**settings, "CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": cached, **changes}


def test_cached_notices_equal_fresh_ones_and_follow_the_notice_settings(settings, tmp_path):
    on = _settings(settings, tmp_path)
    notice_cache.start_run()
    for html in (LINKED, PLAIN, ""):
        assert notice_cache.with_notices(html, on) == notices.with_notices(html, on)  # stores it
    assert list((tmp_path / "cache" / "notices").iterdir())
    notice_cache.start_run()  # the next run reads the files
    for html in (LINKED, PLAIN, ""):
        assert notice_cache.with_notices(html, on) == notices.with_notices(html, on)
    assert 'class="affiliate-notice"' in notice_cache.with_notices(LINKED, on)
    assert 'class="affiliate-notice"' not in notice_cache.with_notices(PLAIN, on)
    assert notice_cache.with_notices(None, on) is None

    notice_cache.start_run()  # settings change between runs, never within one
    reworded = _settings(settings, tmp_path, AFFILIATE_NOTICE="We may earn a commission.")
    assert "We may earn a commission." in notice_cache.with_notices(LINKED, reworded)
    notice_cache.start_run()
    no_patterns = _settings(settings, tmp_path, AFFILIATE_LINK_PATTERNS=[])
    assert notice_cache.with_notices(LINKED, no_patterns) == notices.with_notices(LINKED, no_patterns)


def test_the_notice_cache_is_only_used_with_the_content_cache(settings, tmp_path):
    off = _settings(settings, tmp_path, cached=False)
    notice_cache.start_run()
    assert notice_cache.with_notices(LINKED, off) == notices.with_notices(LINKED, off)
    assert not (tmp_path / "cache" / "notices").exists()
