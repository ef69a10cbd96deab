"""Reuse feed entries' notices for unchanged entry HTML across incremental builds.

Every article is in up to four feeds (all and category, Atom and RSS), and the check for
affiliate links parses each entry, in each feed: 1.6 s of a one-article rebuild at
1,000 articles (profile). notices.with_notices is a pure function of the entry HTML, the settings its
code names and that code, so with the content cache on its result is kept in CACHE_PATH/notices under
the sha256 of those, and looked up once per run. Production builds (content cache off) never use the
stored results; they only keep each entry's result for the rest of the run.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import notices
from .disk_cache import chosen_settings, code_digest, remembered, setting_names, text_codec

CODE = ("notices.py", "affiliate.py", "tree.py", "notice_cache.py")


# This run's results by entry HTML: the settings do not change within a run, and each entry is in four
# feeds, so it is worked out (or read from the store) once, not once per feed.
_this_run: dict[str, str] = {}


def with_notices(html: str | None, settings) -> str | None:
    if html is None:
        return None
    if html not in _this_run:
        _this_run[html] = _stored_or_computed(html, settings)
    return _this_run[html]


def _stored_or_computed(html: str, settings) -> str:
    if not settings.get("CACHE_CONTENT") or not settings.get("CACHE_PATH"):
        return notices.with_notices(html, settings)
    chosen = chosen_settings(settings, setting_names(CODE))
    key = hashlib.sha256(code_digest(CODE) + chosen.encode("utf-8") + b"\0" + html.encode("utf-8")).hexdigest()
    return remembered(Path(settings["CACHE_PATH"]) / "notices" / key, lambda: notices.with_notices(html, settings),
                      **text_codec())


def start_run(pelican=None) -> None:
    _this_run.clear()
