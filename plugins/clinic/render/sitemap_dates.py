"""The sitemap's lastmod for listing pages: the newest content change, never the time of the build.

pelican-sitemap dates articles and pages from their `modified` (or `date`) metadata and every other page
(index, archives, categories, tags, authors, pages without dates) from the moment the build started, which
would make every build differ and tell crawlers that unchanged listings changed. A listing changes only
when something listed on it does, so the newest modified date of the content stands in for "now".
"""

from __future__ import annotations

import datetime


def newest_change(contents) -> datetime.datetime | None:
    dates = [getattr(item, "modified", None) or getattr(item, "date", None) for item in contents]
    dates = [date for date in dates if isinstance(date, datetime.datetime)]
    return max(dates, default=None)


def date_listings_by_content(generators) -> None:
    """all_generators_finalized handler: hand pelican-sitemap the newest content date as its "now"."""
    from pelican.plugins.sitemap import sitemap

    contents = []
    for generator in generators:
        contents += getattr(generator, "articles", []) + getattr(generator, "pages", [])
    newest = newest_change(contents)
    if newest is not None:
        sitemap.generator.now = newest
