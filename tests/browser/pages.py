"""The pages the browser tests visit: one of every type readers meet, and the views they see them in."""

from __future__ import annotations

from dataclasses import dataclass

WIDTHS = (375, 1280)
SCHEMES = ("light", "dark")
VIEWS = [(w, s) for w in WIDTHS for s in SCHEMES]


@dataclass(frozen=True)
class Page:
    """One page of a type readers meet. Articles must show the full disclaimer in <main>, others the
    footer's short one; `affiliate` pages must have affiliate links to check the notice against."""

    name: str
    path: str
    article: bool = False
    affiliate: bool = False
    status: int = 200


PAGES = [
    Page("home", "/"),
    Page("article-with-affiliate-links", "/articles/home-comfort-product-guide/", article=True, affiliate=True),
    Page("article", "/articles/iv-ketamine-infusions/", article=True),
    Page("category", "/category/iv-ketamine/"),
    Page("tag", "/tag/ketamine/"),
    Page("archives", "/archives/"),
    Page("author", "/author/example-writer/"),
    *(Page(slug, f"/{slug}/") for slug in ("authors", "categories", "tags")),
    *(Page(slug, f"/{slug}/") for slug in
      ("about", "contact", "medical-disclaimer", "affiliate-disclosure", "editorial-policy", "privacy")),
    Page("article-about-mechanisms", "/articles/how-ketamine-acts-on-pain/", article=True),
    Page("glossary", "/glossary/"),
    Page("search", "/search/"),
    Page("not-found", "/no-such-page/", status=404),
]
