"""Reuse feed entries' notices for unchanged entry HTML across incremental builds.

Every article is in four feeds (all and category, Atom and RSS, FEED_MAX_ITEMS = None), and the check for
affiliate links parses each entry that could have one, in each feed: 1.6 s of a one-article rebuild at
1,000 articles (profile). notices.with_notices is a pure function of the entry HTML, the settings its
code names and that code, so with the content cache on its result is kept in CACHE_PATH/notices under
the sha256 of those, and looked up once per run. Production builds (content cache off) never use it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path

from . import notices

CODE = ("notices.py", "affiliate.py", "notice_cache.py")
SETTING_NAME = re.compile(r"""settings(?:\.get\(|\[)\s*["'](\w+)["']""")


# This run's results by key: each entry is in several feeds, so its file is read once, not once per feed.
_seen: dict[str, str] = {}


def with_notices(html: str | None, settings) -> str | None:
    if html is None or not settings.get("CACHE_CONTENT") or not settings.get("CACHE_PATH"):
        return notices.with_notices(html, settings)
    chosen = json.dumps({name: settings.get(name) for name in _setting_names()}, sort_keys=True, default=repr)
    key = hashlib.sha256(_code() + chosen.encode("utf-8") + b"\0" + html.encode("utf-8")).hexdigest()
    if key not in _seen:
        _seen[key] = _stored(Path(settings["CACHE_PATH"]) / "notices" / key, html, settings)
    return _seen[key]


def start_run(pelican=None) -> None:
    _seen.clear()


def _stored(entry: Path, html: str, settings) -> str:
    try:
        return entry.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    result = notices.with_notices(html, settings)
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}")
        temporary.write_text(result, encoding="utf-8")
        os.replace(temporary, entry)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return result


@lru_cache(maxsize=1)
def _setting_names() -> tuple[str, ...]:
    """Every setting the notices' code names: one newly read is in the key without editing a list."""
    here = Path(__file__).parent
    return tuple(sorted({name for file in CODE for name in SETTING_NAME.findall((here / file).read_text("utf-8"))}))


@lru_cache(maxsize=1)
def _code() -> bytes:
    here = Path(__file__).parent
    return hashlib.sha256(b"".join((here / name).read_bytes() for name in CODE)).digest()
