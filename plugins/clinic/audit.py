"""Audit a built output directory (HTML and feeds) against the notices in settings.

It trusts neither the theme nor the plugin: it reads only the files a reader would get, and the
settings, so a template or plugin change that drops a notice is caught here.
"""

from __future__ import annotations

import fnmatch
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

from . import affiliate
from .problems import Problem

ATOM = "{http://www.w3.org/2005/Atom}"
HIDING_ANCESTORS = ("details", "footer", "template", "noscript")


@dataclass
class Summary:
    pages: int = 0
    articles: int = 0
    feeds: int = 0
    feed_entries: int = 0
    affiliate_links: int = 0
    notices_shown: int = 0
    disclaimers_shown: int = 0
    problems: list[Problem] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"pages checked:      {self.pages} ({self.articles} articles)",
            f"feeds checked:      {self.feeds} ({self.feed_entries} entries)",
            f"disclaimers shown:  {self.disclaimers_shown}",
            f"affiliate links:    {self.affiliate_links}",
            f"affiliate notices:  {self.notices_shown}",
            f"problems:           {len(self.problems)}",
        ]


def normalise(text: str) -> str:
    """Compare texts the way a reader sees them: typographic quotes and runs of space folded."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def article_glob(settings) -> str:
    return re.sub(r"\{[^}]+\}", "*", settings["ARTICLE_SAVE_AS"])


def audit(output: Path, settings) -> Summary:
    output = Path(output)
    summary = Summary()
    pattern = article_glob(settings)
    for page in sorted(output.rglob("*.html")):
        rel = page.relative_to(output).as_posix()
        is_article = fnmatch.fnmatch(rel, pattern)
        summary.pages += 1
        summary.articles += is_article
        audit_page(rel, page.read_text(encoding="utf-8"), settings, is_article, summary)
    for feed in sorted(output.rglob("*.xml")):
        rel = feed.relative_to(output).as_posix()
        if rel.startswith("feeds/"):
            audit_feed(rel, feed.read_text(encoding="utf-8"), settings, summary)
    return summary


def _contains(node, text: str) -> bool:
    return text in normalise(node.get_text(" "))


def _visible(node) -> bool:
    """Not hidden by an ancestor a reader has to open, or by the hidden attribute."""
    for parent in [node, *node.parents]:
        if getattr(parent, "name", None) in HIDING_ANCESTORS:
            return False
        if getattr(parent, "attrs", None) and ("hidden" in parent.attrs or parent.get("aria-hidden") == "true"):
            return False
    return True


def _blocks_with(soup, text: str):
    """The smallest elements whose text contains `text`."""
    found = []
    for node in soup.find_all(True):
        if _contains(node, text) and not any(_contains(child, text) for child in node.find_all(True, recursive=False)):
            found.append(node)
    return found


def audit_page(rel: str, html: str, settings, is_article: bool, summary: Summary) -> None:
    soup = BeautifulSoup(html, "html.parser")
    problems = summary.problems
    main = soup.find("main")
    disclaimer = normalise(settings["MEDICAL_DISCLAIMER"])
    short = normalise(settings["MEDICAL_DISCLAIMER_SHORT"])
    if is_article:
        shown = main is not None and any(_visible(n) for n in _blocks_with(main, disclaimer))
        if not shown:
            problems.append(Problem(rel, 1, "disclaimer-missing",
                                    "the article does not show the medical disclaimer from settings in its body area",
                                    "render partials/disclaimer.html inside <main> in the article template"))
    else:
        footer = soup.find("footer")
        shown = footer is not None and (_contains(footer, short) or _contains(footer, disclaimer))
        if not shown:
            problems.append(Problem(rel, 1, "disclaimer-missing",
                                    "the page footer does not show the medical disclaimer from settings",
                                    "render the short disclaimer in partials/footer.html"))
    summary.disclaimers_shown += bool(shown)
    _audit_affiliate(rel, soup, main or soup, settings, summary)


def _audit_affiliate(rel: str, soup, area, settings, summary: Summary) -> None:
    patterns = settings["AFFILIATE_LINK_PATTERNS"]
    required = settings["AFFILIATE_REL"]
    links = [a for a in soup.find_all("a") if affiliate.is_affiliate(a.get("href"), patterns)]
    if not links:
        return
    summary.affiliate_links += len(links)
    for link in links:
        rel_values = link.get("rel") or []
        if isinstance(rel_values, str):
            rel_values = rel_values.split()
        missing = [value for value in required if value not in rel_values]
        if missing:
            problems_line = Problem(rel, 1, "affiliate-rel",
                                    f"affiliate link {link.get('href')} lacks rel {' '.join(missing)}",
                                    "let the clinic plugin render it, or add rel=\"" + " ".join(required) + "\"")
            summary.problems.append(problems_line)
        for img in link.find_all(["img", "iframe"]):
            summary.problems.append(Problem(rel, 1, "affiliate-plain-text",
                                            f"affiliate link {link.get('href')} wraps an {img.name}",
                                            "use a plain text link; no store images, widgets or iframes"))
    for frame in soup.find_all("iframe"):
        summary.problems.append(Problem(rel, 1, "affiliate-plain-text", "the page embeds an iframe",
                                        "remove it; store widgets are not allowed"))
    if notice_precedes(soup, links[0], normalise(settings["AFFILIATE_NOTICE"])):
        summary.notices_shown += 1
    else:
        summary.problems.append(Problem(rel, 1, "affiliate-notice",
                                        "the affiliate notice from settings is not shown, visibly, before the first affiliate link",
                                        "render partials/affiliate_notice.html above the content of any page with affiliate links"))


def notice_precedes(soup, first_link, notice: str) -> bool:
    """A visible element carrying the notice comes before the first affiliate link in document order."""
    order = {id(node): i for i, node in enumerate(soup.find_all(True))}
    return any(_visible(n) and order[id(n)] < order[id(first_link)] for n in _blocks_with(soup, notice))


def audit_feed(rel: str, xml: str, settings, summary: Summary) -> None:
    summary.feeds += 1
    root = ET.fromstring(xml)
    entries = root.findall(f"{ATOM}entry") or root.findall("./channel/item")
    disclaimer = normalise(settings["MEDICAL_DISCLAIMER"])
    notice = normalise(settings["AFFILIATE_NOTICE"])
    for index, entry in enumerate(entries, start=1):
        summary.feed_entries += 1
        title = entry.findtext(f"{ATOM}title") or entry.findtext("title") or f"entry {index}"
        bodies = [e.text or "" for e in entry if e.tag in (f"{ATOM}content", f"{ATOM}summary", "description")]
        for body in bodies:
            soup = BeautifulSoup(body, "html.parser")
            text = normalise(soup.get_text(" "))
            if disclaimer not in text:
                summary.problems.append(Problem(rel, 1, "disclaimer-missing",
                                                f"feed entry '{title}' does not carry the medical disclaimer",
                                                "keep the clinic plugin's feed_generated handler enabled"))
            else:
                summary.disclaimers_shown += 1
            links = [a for a in soup.find_all("a") if affiliate.is_affiliate(a.get("href"), settings["AFFILIATE_LINK_PATTERNS"])]
            if not links:
                continue
            summary.affiliate_links += len(links)
            if notice_precedes(soup, links[0], notice):
                summary.notices_shown += 1
            else:
                summary.problems.append(Problem(rel, 1, "affiliate-notice",
                                                f"feed entry '{title}' has affiliate links but no affiliate notice before the first",
                                                "keep the clinic plugin's feed_generated handler enabled"))
