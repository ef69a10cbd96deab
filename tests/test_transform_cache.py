"""The content-cache layer over content.transform gives exactly what a fresh transform gives."""

from __future__ import annotations

from clinic import content, transform_cache

HTML = ('<p>A <a href="amazon-search:heat+pad">heat pad</a> and <a href="https://example.org/x">a study</a>.</p>\n'
        '<p><img alt="A pad" src="{static}/images/pad.svg" title="A pad | Clinic"></p>')


def _svg(width: int) -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="10"></svg>'


def _settings(settings, tmp_path, cached: bool) -> dict:
    return {**settings, "PATH": str(tmp_path / "content"), "CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": cached}


def test_a_cached_transform_equals_a_fresh_one_and_sees_a_changed_image(settings, tmp_path):
    image = tmp_path / "content" / "images" / "pad.svg"
    image.parent.mkdir(parents=True)
    image.write_text(_svg(40), encoding="utf-8")
    fresh = content.transform(HTML, _settings(settings, tmp_path, cached=False))
    transform_cache.start_run()
    assert transform_cache.transform(HTML, _settings(settings, tmp_path, cached=True)) == fresh  # stores it
    assert list((tmp_path / "cache" / "transform").iterdir())
    assert transform_cache.transform(HTML, _settings(settings, tmp_path, cached=True)) == fresh  # reads it
    assert 'width="40"' in fresh[0] and fresh[1].affiliate_links

    image.write_text(_svg(80), encoding="utf-8")  # a new image size, in the next run
    transform_cache.start_run()
    again = transform_cache.transform(HTML, _settings(settings, tmp_path, cached=True))
    assert 'width="80"' in again[0]
    assert again == content.transform(HTML, _settings(settings, tmp_path, cached=False))


def test_cached_typogrify_equals_typogrify_and_is_only_used_with_the_content_cache(tmp_path):
    from types import SimpleNamespace

    import typogrify.filters as filters

    from clinic import typogrify_cache

    original = getattr(filters.typogrify, "__wrapped__", filters.typogrify)
    text = '<p>"Heat" &amp; rest -- then walk... ask the NHS clinic</p>'
    expected = original(text, ["pre", "code"])
    on = SimpleNamespace(settings={"CACHE_CONTENT": True, "CACHE_PATH": str(tmp_path), "TYPOGRIFY": True})
    try:
        typogrify_cache.use_cache_for_run(on)
        assert filters.typogrify is not original
        assert filters.typogrify(text, ["pre", "code"]) == expected  # stores it
        assert list((tmp_path / "typogrify").iterdir())
        assert filters.typogrify(text, ["pre", "code"]) == expected  # reads it
        assert filters.typogrify(text, []) == original(text, [])  # other arguments, another entry
    finally:
        typogrify_cache.use_cache_for_run(SimpleNamespace(settings={"CACHE_CONTENT": False}))
    assert filters.typogrify is original
