"""One html.parser parse per HTML string, shared by the checks that only read it.

The editorial rules read each article's HTML four times (privacy, raw HTML, links, image alt): parsing it
once instead of four times removes most of their cost (benchmarks/build.py --profile). Callers only
read the tree they get; one that changes it must parse its own copy.
"""

from __future__ import annotations

from functools import lru_cache

from bs4 import BeautifulSoup


@lru_cache(maxsize=4)
def parsed(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")
