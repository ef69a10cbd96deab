"""Reuse typogrify's output for unchanged text across incremental builds.

Pelican's reader cache keeps Markdown's output, but applies TYPOGRIFY after it, on every article of every
build: the largest cost left in a one-article rebuild (2.3 s of about 6 s at 300 articles, profile), and
Pelican has no setting or signal around it. Pelican looks `typogrify.filters.typogrify` up at each call,
so with the content cache on it is wrapped for the run by one that keeps results in CACHE_PATH/typogrify.
typogrify is a pure function of the text, its arguments and smartypants' default attributes (Pelican sets
them from TYPOGRIFY_DASHES just before calling), so those and both packages' versions make the key.
With the cache off (production builds) the original function is put back.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
from importlib.metadata import version
from pathlib import Path

from .disk_cache import remembered, text_codec


def use_cache_for_run(pelican) -> None:
    import typogrify.filters as filters

    original = inspect.unwrap(filters.typogrify)  # this module's wrapper, or read_ahead's, from a run before
    settings = pelican.settings
    if settings.get("CACHE_CONTENT") and settings.get("CACHE_PATH") and settings.get("TYPOGRIFY"):
        store = Path(settings["CACHE_PATH"]) / "typogrify"
        filters.typogrify = functools.wraps(original)(functools.partial(_cached, original, store))
    else:
        filters.typogrify = original


@functools.lru_cache(maxsize=1)
def _versions() -> str:
    return f"{version('typogrify')}/{version('smartypants')}"


def _cached(original, store: Path, text, *args, **kwargs):
    import smartypants

    if not isinstance(text, str):
        return original(text, *args, **kwargs)
    basis = json.dumps([_versions(), int(smartypants.Attr.default), args, kwargs, text], sort_keys=True, default=repr)
    entry = store / hashlib.sha256(basis.encode("utf-8")).hexdigest()
    return remembered(entry, lambda: original(text, *args, **kwargs), **text_codec())
