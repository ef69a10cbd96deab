"""Rewrite an article's rendered HTML once, and record what the theme and the rules need to know.

One parse per article does every rewrite:
- `amazon-search:` links become tagged store searches;
- affiliate links get the required rel values, merged with any already there;
- other outbound links get `noopener noreferrer`, so a shop never learns which condition page sent a reader;
- a paragraph holding only an image with a title becomes a figure ("Caption | Credit");
- the questions under an `## ... {: .faq }` heading become native <details>/<summary> pairs;
- reviewers' allow-claim markers (source/markers.py) are removed: they are for the source, not for readers;
- in articles (`mark_terms`), the first use of each glossary term links to its entry (glossary_marks.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlsplit

from lxml import etree

from clinic import affiliate
from clinic.render import glossary_marks, images
from clinic.source.markers import strip_allow_markers
from clinic.tree import ELEMENTS, classes

INTERNAL_PREFIXES = ("{", "#", "/", "mailto:", "tel:")
_PARSER = etree.HTMLParser(default_doctype=False)


@dataclass
class Facts:
    affiliate_links: list[str] = field(default_factory=list)
    faq: list[tuple[str, str]] = field(default_factory=list)
    toc: list[tuple[int, str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)


def is_outbound(href: str, site_url: str = "") -> bool:
    href = (href or "").strip()
    if not href or href.startswith(INTERNAL_PREFIXES):
        return False
    if site_url and urlsplit(href).netloc.lower() == urlsplit(site_url).netloc.lower():
        return False
    return "://" in href or href.startswith("//")


def transform(html: str, settings: dict, mark_terms: bool = False) -> tuple[str, Facts]:
    body = parse_fragment(strip_allow_markers(html))
    facts = Facts()
    _rewrite_links(body, settings, facts)
    _make_figures(body, facts)
    images.prepare(body, settings)
    _make_faq(body, facts)
    if mark_terms:
        glossary_marks.mark_first_uses(body, settings)
    _collect_toc(body, facts)
    _collect_sources(body, facts)
    return serialise_fragment(body), facts


def parse_fragment(html: str):
    """A <body> holding `html`. The explicit body keeps libxml2 from wrapping leading text in a <p>."""
    return etree.fromstring(f"<html><body>{html}</body></html>", _PARSER).find("body")


def serialise_fragment(body) -> str:
    """What the <body> from parse_fragment holds, as HTML. lxml percent-encodes spaces and non-ASCII
    characters in href and src, as a browser would; Pelican's {filename} links still resolve (it unquotes)."""
    return escape(body.text or "", quote=False) + "".join(_html(child) for child in body)


def _html(node, with_tail: bool = True) -> str:
    return etree.tostring(node, encoding="unicode", method="html", with_tail=with_tail)


def _text(node) -> str:
    """Its strings, each stripped, the empty ones dropped, joined by spaces (as read aloud in a list)."""
    return " ".join(piece.strip() for piece in node.itertext() if piece.strip())


def _rewrite_links(body, settings, facts):
    patterns = settings.get("AFFILIATE_LINK_PATTERNS", [])
    for link in body.iter(*affiliate.LINK_ELEMENTS):
        if link.get("href") is None:
            continue
        href = link.get("href").strip()
        if affiliate.is_search_link(href):
            href = affiliate.expand_search_link(href, settings["AFFILIATE_SEARCH_URL"], settings["AFFILIATE_TAG"])
            link.set("href", href)
        if affiliate.is_affiliate(href, patterns):
            link.set("rel", " ".join(affiliate.merge_rel(link.get("rel"), settings.get("AFFILIATE_REL", []))))
            facts.affiliate_links.append(href)
        elif is_outbound(href, settings.get("SITEURL", "")):
            link.set("rel", " ".join(affiliate.merge_rel(link.get("rel"), ["noopener", "noreferrer"])))


def _make_figures(body, facts):
    for img in list(body.iter("img")):
        facts.images.append({"src": img.get("src"), "alt": img.get("alt")})
        parent = img.getparent()
        title = img.get("title")
        if not title or parent is None or parent.tag != "p" or _has_other_content(parent):
            continue
        caption, _, credit = (part.strip() for part in title.partition("|"))
        del img.attrib["title"]
        figure = etree.Element("figure")
        figure.tail = parent.tail
        img.tail = None
        figure.append(img)
        figcaption = etree.SubElement(figure, "figcaption")
        figcaption.text = caption
        if credit:
            figcaption.text += " "
            etree.SubElement(figcaption, "small", {"class": "credit"}).text = credit
        parent.getparent().replace(parent, figure)


def _has_other_content(parent) -> bool:
    """More in the paragraph than its one image: text, another element or a comment."""
    return len(parent) != 1 or bool((parent.text or "").strip()) or bool((parent[0].tail or "").strip())


def _make_faq(body, facts):
    for heading in [h for h in body.iter("h2") if "faq" in classes(h)]:
        section = []
        for node in heading.itersiblings(ELEMENTS):
            if _ends_section(node):
                break
            section.append(node)
        details = None
        for node in section:
            if node.tag == "h3":
                details = etree.Element("details", {"class": "faq-item"})
                if node.get("id"):
                    details.set("id", node.get("id"))
                summary = etree.SubElement(details, "summary")
                summary.text = node.text
                summary.extend(list(node))
                details.tail = node.tail
                node.getparent().replace(node, details)
                facts.faq.append([_text(summary), ""])
            elif details is not None:
                details.append(node)
                facts.faq[-1][1] += _html(node, with_tail=False)
        facts.faq = [tuple(pair) for pair in facts.faq]


def _ends_section(node) -> bool:
    return node.tag == "h2" or (node.tag == "div" and "footnote" in classes(node))


def _collect_toc(body, facts):
    for heading in body.iter("h2", "h3"):
        if heading.get("id") and next(heading.iterancestors("details"), None) is None:
            facts.toc.append((int(heading.tag[1]), heading.get("id"), _text(heading)))


def _collect_sources(body, facts):
    notes = next((div for div in body.iter("div") if "footnote" in classes(div)), None)
    if notes is None:
        return
    for item in notes.iter("li"):
        link = next((a for a in item.iter("a") if "://" in (a.get("href") or "")), None)
        facts.sources.append(link.get("href") if link is not None else "")
