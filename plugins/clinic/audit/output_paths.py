"""Where Pelican writes pages, listings (every page of each) and feeds, read from the settings.

The audit finds what to check from the same settings Pelican wrote with, so moving the feeds, the
listings or their pagination cannot take them out of the audit. Each place is a glob over paths relative to
the output ({slug}, {lang}, {number}, ... match anything).
"""

from __future__ import annotations

import fnmatch
import os
import re

# Every feed Pelican can write (pelican.settings); each holds a path or None.
FEED_SETTINGS = ("FEED_ATOM", "FEED_RSS", "FEED_ALL_ATOM", "FEED_ALL_RSS", "CATEGORY_FEED_ATOM", "CATEGORY_FEED_RSS",
                 "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS", "TAG_FEED_ATOM", "TAG_FEED_RSS", "TRANSLATION_FEED_ATOM",
                 "TRANSLATION_FEED_RSS")
# Pages that list articles by their title and summary.
LISTING_SETTINGS = ("INDEX_SAVE_AS", "CATEGORY_SAVE_AS", "TAG_SAVE_AS", "AUTHOR_SAVE_AS", "ARCHIVES_SAVE_AS",
                    "YEAR_ARCHIVE_SAVE_AS", "MONTH_ARCHIVE_SAVE_AS", "DAY_ARCHIVE_SAVE_AS")
# Copies and assets beside the pages, never pages themselves, whatever a *_SAVE_AS glob matches.
NOT_PAGES = (".gz", ".br", ".css", ".js", ".mjs", ".json", ".map", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp",
             ".avif", ".ico", ".woff", ".woff2", ".ttf", ".wasm", ".txt", ".xml", ".pdf")


def _glob(template: str) -> str:
    return re.sub(r"\{[^}]*\}|%s", "*", template).lstrip("/")


def _meaningful(glob: str) -> bool:
    """A glob that names something (`{slug}` alone would match every file)."""
    return bool(re.sub(r"[*/]", "", glob))


def paginated(save_as: str, settings) -> list[str]:
    """The globs of every page of the listing first saved as `save_as`, after PAGINATION_PATTERNS, as
    pelican.paginator.Page names them."""
    name, extension = os.path.splitext(save_as)
    folder, file = os.path.split(save_as)
    base_name = folder if file in ("index.htm", "index.html") else name
    globs = [_glob(save_as)]
    for rule in settings.get("PAGINATION_PATTERNS", ()):
        pattern = rule[2]
        globs.append(_glob(pattern.format(save_as=save_as, url="", name=name, base_name=base_name, extension=extension,
                                          number="{number}")))
    return list(dict.fromkeys(g for g in globs if _meaningful(g)))


def feed_globs(settings) -> list[str]:
    return [_glob(settings[key]) for key in FEED_SETTINGS if isinstance(settings.get(key), str) and settings[key]]


def listing_globs(settings) -> list[str]:
    return [glob for key in LISTING_SETTINGS if isinstance(settings.get(key), str) and settings[key]
            for glob in paginated(settings[key], settings)]


def page_globs(settings) -> list[str]:
    """Every place a *_SAVE_AS setting writes HTML (static files excepted), with its paginated pages."""
    return [glob for key, value in settings.items()
            if key.endswith("_SAVE_AS") and key != "STATIC_SAVE_AS" and isinstance(value, str) and value
            for glob in paginated(value, settings)]


class Places:
    """Which files of an output are pages, listings and feeds, by the settings (and, for feeds a plugin or
    a setting this module does not know writes, by their content: an Atom <feed> or an RSS <rss>)."""

    def __init__(self, settings):
        self.feeds, self.listings, self.pages = (_one_pattern(feed_globs(settings)), _one_pattern(listing_globs(settings)),
                                                 _one_pattern(page_globs(settings)))

    @staticmethod
    def _any(rel: str, pattern) -> bool:
        return pattern is not None and pattern.match(rel) is not None

    def is_feed(self, rel: str, path=None) -> bool:
        if rel.endswith((".gz", ".br")):
            return False
        return self._any(rel, self.feeds) or (rel.endswith((".xml", ".atom", ".rss")) and path is not None
                                              and _looks_like_feed(path))

    def is_page(self, rel: str) -> bool:
        return rel.endswith((".html", ".htm")) or (not rel.endswith(NOT_PAGES) and self._any(rel, self.pages))

    def is_listing(self, rel: str) -> bool:
        return self._any(rel, self.listings)


def _one_pattern(globs: list[str]):
    """The globs as one compiled pattern (a site has hundreds of files and dozens of globs)."""
    return re.compile("|".join(f"(?:{fnmatch.translate(glob)})" for glob in globs)) if globs else None


def _looks_like_feed(path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(1024)
    start = re.sub(rb"^(\s|<\?[^>]*\?>|<!--.*?-->)*", b"", head, flags=re.S)
    return start.startswith((b"<feed", b"<rss"))
