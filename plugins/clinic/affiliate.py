"""Find affiliate links in rendered HTML and mark them. Used by the build plugin and the audit alike."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote_plus

SEARCH_SCHEME = "amazon-search:"


@lru_cache(maxsize=None)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def is_affiliate(href: str | None, patterns) -> bool:
    if not href:
        return False
    href = href.strip()
    return any(p.search(href) for p in _compiled(tuple(patterns)))


def expand_search_link(href: str, search_url: str, tag: str) -> str:
    """`amazon-search:tens+unit` -> the store's search URL with the associate tag from settings."""
    query = href[len(SEARCH_SCHEME):].strip()
    return search_url.format(query=quote_plus(query.replace("+", " ")), tag=tag)


def merge_rel(existing: str | list | None, required) -> list[str]:
    """Keep whatever rel values a link had and add the required ones, without duplicates."""
    if isinstance(existing, str):
        existing = existing.split()
    merged = list(existing or [])
    for value in required:
        if value not in merged:
            merged.append(value)
    return merged
