"""One lxml parse per HTML string, shared by the checks that only read it, and the few questions they ask.

The rules and the audit only read HTML. They read it with lxml (libxml2, in C) rather than BeautifulSoup on
html.parser: parsing an article page took 3.9 ms with BeautifulSoup and 0.17 ms with lxml, and those
parses were most of the build's cost beyond bare Pelican (benchmarks/build.py --profile). lxml keeps each
element's `sourceline`, so problems still name their line. Callers only read the tree they get.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

# iter(ELEMENTS) walks elements only, not comments or processing instructions.
ELEMENTS = etree.Element
# The text of these belongs to them alone, not to the text of the elements around them (a <script> that
# happens to contain the disclaimer is not a disclaimer a reader sees).
SEPARATE_TEXT = ("script", "style", "template")
_PARSER = etree.HTMLParser(default_doctype=False)


@lru_cache(maxsize=4)
def parsed(html: str):
    """The <html> element of `html` (a page or a fragment; a fragment is wrapped in <html><body>)."""
    root = etree.fromstring(html, _PARSER) if html.strip() else None
    return root if root is not None else etree.Element("html")


def text(node) -> str:
    """The node's text, its pieces joined by spaces, without the text of script, style or template inside it."""
    if next(node.iter(*SEPARATE_TEXT), node) is node:
        return " ".join(node.itertext())
    parts = [node.text or ""]
    for child in node:
        _own_text(child, parts)
    return " ".join(parts)


def _own_text(node, parts: list[str]) -> None:
    if isinstance(node.tag, str) and node.tag not in SEPARATE_TEXT:
        parts.append(node.text or "")
        for child in node:
            _own_text(child, parts)
    parts.append(node.tail or "")


def classes(node) -> list[str]:
    return (node.get("class") or "").split()


def rel(node) -> list[str]:
    return (node.get("rel") or "").split()


def body_of(item) -> str:
    """An article's or page's body as the rules judge it: as the reader rewrote it, before the cleaning."""
    return getattr(item, "body_as_written", None) or ""
