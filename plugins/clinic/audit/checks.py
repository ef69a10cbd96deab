"""Audit a built output directory (HTML and feeds) against the notices in settings.

It trusts neither the theme nor the plugin: it reads only the files a reader would get, and the
settings, so a template or plugin change that drops a notice is caught here.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from clinic import affiliate, headers
from clinic.audit import affiliate as affiliate_audit
from clinic.audit.snapshot import Snapshot, first as _first, read_output
from clinic.problems import Problem, line_of
from clinic.rules.safety import CSS_URL, external_loads
from clinic.tree import ELEMENTS, SEPARATE_TEXT, classes, parsed, text

ATOM = "{http://www.w3.org/2005/Atom}"
HIDING_ANCESTORS = ("details", "footer", "template", "noscript")
HIDING_CLASSES = {"hidden", "visually-hidden", "sr-only", "screen-reader-text"}
# Signatures of analytics and tracking code, inline or by file name.
TRACKERS = re.compile(r"gtag\(|google-analytics|googletagmanager|fbq\(|_paq\.push|matomo|plausible|hotjar|"
                      r"segment\.com|mixpanel|clarity\.ms", re.IGNORECASE)
# Every setting the page and feed checks read. Workers see only these, so a check that starts reading
# another setting fails loudly (KeyError) until it is added here.
AUDITED_SETTINGS = ("MEDICAL_DISCLAIMER", "EMERGENCY_NOTICE", "OFFLABEL_NOTICE", "MEDICAL_DISCLAIMER_SHORT",
                    "AFFILIATE_NOTICE", "AFFILIATE_LINK_PATTERNS", "AFFILIATE_REL", "SITEURL", "SITE_PUBLIC_URL",
                    "SECURITY_HEADERS")

@dataclass
class Summary:
    pages: int = 0
    articles: int = 0
    listings: int = 0
    feeds: int = 0
    feed_entries: int = 0
    affiliate_links: int = 0
    notices_shown: int = 0
    disclaimers_shown: int = 0
    offlabel_shown: int = 0
    problems: list[Problem] = field(default_factory=list)

    COUNTS = ("pages", "articles", "listings", "feeds", "feed_entries", "affiliate_links", "notices_shown", "disclaimers_shown",
              "offlabel_shown")

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.COUNTS}

    def add(self, counts: dict[str, int], problems=()) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + counts.get(name, 0))
        self.problems.extend(problems)

    def lines(self) -> list[str]:
        return [
            f"pages checked:      {self.pages} ({self.articles} articles, {self.listings} listing pages)",
            f"feeds checked:      {self.feeds} ({self.feed_entries} entries)",
            f"disclaimers shown:  {self.disclaimers_shown}",
            f"off-label notices:  {self.offlabel_shown}",
            f"affiliate links:    {self.affiliate_links}",
            f"affiliate notices:  {self.notices_shown}",
            f"problems:           {len(set(self.problems))}",
        ]


def normalise(text: str) -> str:
    """Compare texts the way a reader sees them: typographic quotes and runs of space (no-break too) folded."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split())


@lru_cache(maxsize=None)
def _anchor(wanted: str) -> str:
    """The longest piece of `wanted` that normalise() leaves as it is: text that lacks it cannot contain
    `wanted`, so most elements are ruled out without normalising their text."""
    return max(re.split(r"[\s'\"\u2018\u2019\u201c\u201d]+", wanted), key=len)


def audit(output: Path, settings) -> Summary:
    return audit_snapshot(read_output(output, settings), settings)


def audit_snapshot(snapshot: Snapshot, settings) -> Summary:
    """Every page, stylesheet and feed read by read_output; problems in sorted file order."""
    summary = Summary()
    checks = {key: settings.get(key) for key in AUDITED_SETTINGS}
    for job in snapshot.pages:
        result = _audit_job(job, checks)
        summary.add(result.counts(), result.problems)
    for rel, css in snapshot.stylesheets:
        audit_stylesheet(rel, css, settings, summary)
    # Feeds share entry bodies (all, category; Atom and RSS): each distinct body is checked once.
    memo: dict = {}
    for job in snapshot.feeds:
        result = _audit_job(job, checks, memo)
        summary.add(result.counts(), result.problems)
    return summary


def _entry_bodies(entry) -> list[str]:
    bodies = [e.text or "" for e in entry if e.tag in (f"{ATOM}content", f"{ATOM}summary", "description")]
    if not any(body.strip() for body in bodies):
        bodies = [""]  # an entry with no text at all carries no disclaimer either
    return bodies


def _audit_job(job, checks: dict, memo: dict | None = None) -> Summary:
    kind, rel, data, is_article, offlabel = job
    part = Summary()
    if kind == "feed":
        audit_feed(rel, data.decode("utf-8"), checks, part, memo=memo)
    else:
        part.pages, part.articles, part.listings = 1, int(is_article), int(kind == "listing")
        audit_page(rel, data.decode("utf-8"), checks, is_article, part, offlabel=offlabel, listing=kind == "listing")
    return part


def _contains(node, wanted: str) -> bool:
    raw = text(node)
    return _anchor(wanted) in raw and wanted in normalise(raw)


def _children(node) -> list:
    return list(node.iterchildren(ELEMENTS))


def _visible(node) -> bool:
    """Not hidden by an ancestor a reader has to open, by the hidden attribute, a hiding class or style."""
    for parent in [node, *node.iterancestors()]:
        if parent.tag in HIDING_ANCESTORS:
            return False
        style = re.sub(r"\s", "", parent.get("style", "")).lower()
        if ("hidden" in parent.attrib or parent.get("aria-hidden") == "true" or HIDING_CLASSES & set(classes(parent))
                or "display:none" in style or "visibility:hidden" in style):
            return False
    return True


def _blocks_with(root, wanted: str):
    """The smallest elements whose text contains `text`, in document order.

    An element's text contains each child's, so only elements whose parent contains `text` can: walking
    down from the top through those alone finds the same elements as testing every element, without
    reading the text of every subtree again at each level (that was a fifth of the build's time).
    Script, style and template text is left out of their ancestors' text, so those subtrees are tested
    element by element as before.
    """
    found = []

    def smallest(node) -> bool:
        return _contains(node, wanted) and not any(_contains(c, wanted) for c in _children(node))

    def walk(nodes):
        for node in nodes:
            holders = [child for child in _children(node) if _contains(child, wanted)]
            if holders:
                walk(holders)
            else:
                found.append(node)

    walk([root] if _contains(root, wanted) else [])
    # Sets and dicts of the elements themselves, not id()s: lxml makes element objects on demand, and
    # holding them keeps each one the same object for as long as it is needed.
    seen = set(found)
    extra = [node for special in root.iter(*SEPARATE_TEXT) for node in special.iter(ELEMENTS)
             if node not in seen and not seen.add(node) and smallest(node)]
    if extra:
        order = {node: index for index, node in enumerate(root.iter(ELEMENTS))}
        found = sorted(found + extra, key=order.__getitem__)
    return found


def _shows(area, *texts) -> bool:
    return area is not None and all(any(_visible(n) for n in _blocks_with(area, normalise(t))) for t in texts)


def _line(node) -> int:
    return getattr(node, "sourceline", None) or 1


def audit_page(rel: str, html: str, settings, is_article: bool, summary: Summary, offlabel: bool = False,
               listing: bool = False) -> None:
    # Read-only, and shared with external_loads below: one parse of the page instead of two.
    root = parsed(html)
    problems = summary.problems
    main = _first(root, "main")
    if is_article:
        shown = _shows(main, settings["MEDICAL_DISCLAIMER"], settings["EMERGENCY_NOTICE"])
        if not shown:
            problems.append(Problem(rel, _line(main), "disclaimer-missing",
                                    "the article does not show the medical disclaimer and emergency notice from settings in its body area",
                                    "render partials/disclaimer.html inside <main> in the article template"))
        if offlabel:
            if _shows(main, settings["OFFLABEL_NOTICE"]):
                summary.offlabel_shown += 1
            else:
                problems.append(Problem(rel, _line(main), "offlabel-missing",
                                        "an article in an off-label category or tag does not show the off-label notice",
                                        "render partials/offlabel_notice.html inside <main> when article.offlabel"))
    else:
        # The site footer, not an article's own <footer> inside <main>.
        footers = [f for f in root.iter("footer") if next(f.iterancestors("main"), None) is None]
        shown = any(_contains(f, normalise(settings["MEDICAL_DISCLAIMER_SHORT"]))
                    or _contains(f, normalise(settings["MEDICAL_DISCLAIMER"])) for f in footers)
        if not shown:
            problems.append(Problem(rel, _line(footers[0] if footers else None), "disclaimer-missing",
                                    "the page footer does not show the medical disclaimer from settings",
                                    "render the short disclaimer in partials/footer.html"))
    summary.disclaimers_shown += bool(shown)
    _audit_affiliate(rel, root, settings, summary, listing)
    _audit_privacy(rel, root, html, settings, summary)
    _audit_policy(rel, root, settings, summary)


def _audit_policy(rel: str, root, settings, summary: Summary) -> None:
    """GitHub Pages sends none of our headers: each page must carry the policy itself, before anything
    it would govern (a meta policy covers only what the browser meets after it)."""
    head = _first(root, "head")
    wanted = headers.meta_policy(settings)
    metas = [m for m in root.iter("meta") if (m.get("http-equiv") or "").strip().lower() == "content-security-policy"]
    first = metas[0] if metas else None
    earlier = None
    for node in (head.iter(ELEMENTS) if first is not None and head is not None else ()):
        if node is first:
            break
        if node.tag in ("link", "script", "style", "base", "img"):
            earlier = earlier if earlier is not None else node
    if first is None or head is None or next(first.iterancestors("head"), None) is None:
        message = "the page carries no Content-Security-Policy <meta> in its <head>"
    elif " ".join((first.get("content") or "").split()) != " ".join(wanted.split()):
        message = f"the page's Content-Security-Policy <meta> is not SECURITY_HEADERS' policy ({wanted})"
    elif earlier is not None:
        message = f"the Content-Security-Policy <meta> comes after a <{earlier.tag}>, which it then does not govern"
    else:
        return
    summary.problems.append(Problem(rel, _line(first if first is not None else head), "csp-missing", message,
                                    "render <meta http-equiv=\"Content-Security-Policy\" content=\"{{ content_security_policy() }}\"> "
                                    "right after <meta charset> in base.html"))


def _audit_affiliate(rel: str, root, settings, summary: Summary, listing: bool = False) -> None:
    required = settings["AFFILIATE_REL"]
    links, found = affiliate_audit.inspect(root, settings, listing=listing)
    summary.problems.extend(Problem(rel, _line(node), rule, message, fix) for node, rule, message, fix in found)
    if not links:
        return
    summary.affiliate_links += len(links)
    for link in links:
        _rel_problem(rel, _line(link), link.get("href"), affiliate_audit.missing_rel(link, required), required, summary)
    if notice_precedes(root, links[0], normalise(settings["AFFILIATE_NOTICE"])):
        summary.notices_shown += 1
    else:
        summary.problems.append(Problem(rel, _line(links[0]), "affiliate-notice",
                                        "the affiliate notice from settings is not shown, visibly, before the first affiliate link",
                                        "render partials/affiliate_notice.html above the content of any page with affiliate links"))


def _rel_problem(rel: str, line: int, href, missing: list[str], required, summary: Summary) -> None:
    if missing:
        summary.problems.append(Problem(rel, line, "affiliate-rel", f"affiliate link {href} lacks rel {' '.join(missing)}",
                                        affiliate_audit.rel_fix(required)))


def _audit_privacy(rel: str, root, html: str, settings, summary: Summary) -> None:
    own = settings.get("SITEURL") or settings.get("SITE_PUBLIC_URL", "")
    for url in external_loads(html, own):
        summary.problems.append(Problem(rel, line_of(html, url), "privacy-external", f"the page loads {url} from another origin",
                                        "serve it from the site itself with a root-relative path (/theme/...)"))
    for script in root.iter("script"):
        if TRACKERS.search(script.get("src") or "") or TRACKERS.search(text(script)):
            summary.problems.append(Problem(rel, _line(script), "privacy-tracking", "the page carries analytics or tracking code",
                                            "remove it; the site does not track readers"))
    own = urlsplit(own).netloc.lower()
    for link in root.iter("a", "area"):
        if link.get("href") is None:
            continue
        href = link.get("href").strip()
        if (re.match(r"^(https?:)?//", href, re.IGNORECASE) and urlsplit(href).netloc.lower() != own
                and "noreferrer" not in affiliate.merge_rel(link.get("rel"), [])):
            summary.problems.append(Problem(rel, _line(link), "privacy-referrer", f"outbound link {href} would send a referrer",
                                            "let the clinic plugin render it, or add rel=\"noopener noreferrer\""))


def audit_stylesheet(rel: str, css: str, settings, summary: Summary) -> None:
    """Fonts and imports in a stylesheet are loads too."""
    own = urlsplit(settings.get("SITEURL") or settings.get("SITE_PUBLIC_URL", "")).netloc.lower()
    for match in CSS_URL.finditer(css):
        if urlsplit(match.group(1)).netloc.lower() != own:
            summary.problems.append(Problem(rel, css.count("\n", 0, match.start()) + 1, "privacy-external",
                                            f"the stylesheet loads {match.group(1)} from another origin",
                                            "serve the font or file from theme/static/ with a root-relative path"))


def notice_precedes(root, first_link, notice: str) -> bool:
    """A visible element carrying the notice comes before the first affiliate link in document order."""
    order = {node: i for i, node in enumerate(root.iter(ELEMENTS))}
    return any(_visible(n) and order[n] < order[first_link] for n in _blocks_with(root, notice))


def _entry_lines(xml: str) -> list[int]:
    """The line of every <entry> or <item>, in one pass (per entry, the feed's cost grew with its square)."""
    lines, line, position = [], 1, 0
    for match in re.finditer(r"<(entry|item)[\s>]", xml):
        line += xml.count("\n", position, match.start())
        position = match.start()
        lines.append(line)
    return lines


def _feed_body(body: str, settings) -> tuple[bool, list[tuple[str, list[str]]], bool | None, list]:
    """What one entry body shows: the disclaimer?, each affiliate link with the rel values it lacks,
    whether the notice comes first (None without links), and [rule, message, fix] for store addresses
    elsewhere in it. The same body is in every feed that lists the entry (all, category, author, tag;
    Atom and RSS), so audit() works it out once per body."""
    root = parsed(body)
    shown = _contains(root, normalise(settings["MEDICAL_DISCLAIMER"]))
    links, found = affiliate_audit.inspect(root, settings)
    checked = [(a.get("href"), affiliate_audit.missing_rel(a, settings["AFFILIATE_REL"])) for a in links]
    notice = notice_precedes(root, links[0], normalise(settings["AFFILIATE_NOTICE"])) if links else None
    return shown, checked, notice, [[rule, message, fix] for _, rule, message, fix in found]


def audit_feed(rel: str, xml: str, settings, summary: Summary, memo: dict | None = None) -> None:
    summary.feeds += 1
    root = ET.fromstring(xml)
    entries = root.findall(f"{ATOM}entry") or root.findall("./channel/item")
    memo = {} if memo is None else memo
    entry_lines = _entry_lines(xml)
    for index, entry in enumerate(entries, start=1):
        summary.feed_entries += 1
        line = entry_lines[index - 1] if index <= len(entry_lines) else 1
        title = entry.findtext(f"{ATOM}title") or entry.findtext("title") or f"entry {index}"
        for url in affiliate_audit.title_addresses(title, settings)[:1]:
            summary.problems.append(Problem(rel, line, "affiliate-in-title", f"feed entry '{title}' has the store "
                                            f"address {url} in its title", affiliate_audit.TRAVEL_FIX))
        for body in _entry_bodies(entry):
            if body not in memo:
                memo[body] = _feed_body(body, settings)
            shown, links, notice_first, found = memo[body]
            summary.problems.extend(Problem(rel, line, rule, f"feed entry '{title}': {message}", fix)
                                    for rule, message, fix in found)
            if not shown:
                summary.problems.append(Problem(rel, line, "disclaimer-missing",
                                                f"feed entry '{title}' does not carry the medical disclaimer",
                                                "keep the clinic plugin's feed_generated handler enabled"))
            else:
                summary.disclaimers_shown += 1
            if not links:
                continue
            summary.affiliate_links += len(links)
            for href, missing in links:
                _rel_problem(rel, line, href, missing, settings["AFFILIATE_REL"], summary)
            if notice_first:
                summary.notices_shown += 1
            else:
                summary.problems.append(Problem(rel, line, "affiliate-notice",
                                                f"feed entry '{title}' has affiliate links but no affiliate notice before the first",
                                                "keep the clinic plugin's feed_generated handler enabled"))
