"""Rewrite an article's rendered HTML once, and record what the theme and the rules need to know.

One parse per article does every rewrite:
- `amazon-search:` links become tagged store searches;
- affiliate links get the required rel values, merged with any already there;
- other outbound links get `noopener noreferrer`, so a shop never learns which condition page sent a reader;
- a paragraph holding only an image with a title becomes a figure ("Caption | Credit");
- the questions under an `## ... {: .faq }` heading become native <details>/<summary> pairs;
- reviewers' allow-claim markers (see rules.py) are removed: they are for the source, not for readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from . import affiliate, images, rules

INTERNAL_PREFIXES = ("{", "#", "/", "mailto:", "tel:")


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


def transform(html: str, settings: dict) -> tuple[str, Facts]:
    soup = BeautifulSoup(rules.strip_allow_markers(html), "html.parser")
    facts = Facts()
    _rewrite_links(soup, settings, facts)
    _make_figures(soup, facts)
    images.prepare(soup, settings)
    _make_faq(soup, facts)
    _collect_toc(soup, facts)
    _collect_sources(soup, facts)
    return str(soup), facts


def _rewrite_links(soup, settings, facts):
    patterns = settings.get("AFFILIATE_LINK_PATTERNS", [])
    for link in soup.find_all("a", href=True):
        href = link["href"].strip()
        if href.startswith(affiliate.SEARCH_SCHEME):
            href = link["href"] = affiliate.expand_search_link(
                href, settings["AFFILIATE_SEARCH_URL"], settings["AFFILIATE_TAG"]
            )
        if affiliate.is_affiliate(href, patterns):
            link["rel"] = affiliate.merge_rel(link.get("rel"), settings.get("AFFILIATE_REL", []))
            facts.affiliate_links.append(href)
        elif is_outbound(href, settings.get("SITEURL", "")):
            link["rel"] = affiliate.merge_rel(link.get("rel"), ["noopener", "noreferrer"])


def _make_figures(soup, facts):
    for img in soup.find_all("img"):
        facts.images.append({"src": img.get("src"), "alt": img.get("alt")})
        parent = img.parent
        title = img.get("title")
        if not title or parent is None or parent.name != "p" or _has_other_content(parent, img):
            continue
        caption, _, credit = (part.strip() for part in title.partition("|"))
        del img["title"]
        figure = soup.new_tag("figure")
        figcaption = soup.new_tag("figcaption")
        figcaption.append(caption)
        if credit:
            small = soup.new_tag("small", attrs={"class": "credit"})
            small.append(credit)
            figcaption.append(" ")
            figcaption.append(small)
        parent.replace_with(figure)
        figure.append(img)
        figure.append(figcaption)


def _has_other_content(parent: Tag, img: Tag) -> bool:
    for child in parent.children:
        if child is img:
            continue
        if isinstance(child, NavigableString) and not child.strip():
            continue
        return True
    return False


def _make_faq(soup, facts):
    for heading in soup.find_all("h2", class_="faq"):
        section = []
        node = heading.find_next_sibling()
        while node is not None and not _ends_section(node):
            section.append(node)
            node = node.find_next_sibling()
        details = None
        for node in section:
            if node.name == "h3":
                details = soup.new_tag("details", attrs={"class": "faq-item"})
                if node.get("id"):
                    details["id"] = node["id"]
                summary = soup.new_tag("summary")
                summary.extend(list(node.children))
                details.append(summary)
                node.replace_with(details)
                facts.faq.append([summary.get_text(" ", strip=True), ""])
            elif details is not None:
                details.append(node.extract())
                facts.faq[-1][1] += str(node)
        facts.faq = [tuple(pair) for pair in facts.faq]


def _ends_section(node) -> bool:
    return node.name == "h2" or (node.name == "div" and "footnote" in (node.get("class") or []))


def _collect_toc(soup, facts):
    for heading in soup.find_all(["h2", "h3"]):
        if heading.get("id") and heading.find_parent("details") is None:
            facts.toc.append((int(heading.name[1]), heading["id"], heading.get_text(" ", strip=True)))


def _collect_sources(soup, facts):
    notes = soup.find("div", class_="footnote")
    if notes is None:
        return
    for item in notes.find_all("li"):
        link = item.find("a", href=lambda h: h and "://" in h)
        facts.sources.append(link["href"] if link else "")
