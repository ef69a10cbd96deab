"""What the output audit asks of the affiliate links in one built page or feed entry.

audit.py asks whether the notice comes before the first link; this module finds the links (through
affiliate.uses, the detection the build itself uses) and everything else that carries a store address:
images, forms, image maps, frames, prefetches (affiliate-plain-text), and the places an article's words
travel without its notice, namely meta descriptions, Open Graph and JSON-LD, listing pages, titles
(affiliate-in-summary, affiliate-in-title).
"""

from __future__ import annotations

from lxml import etree

from clinic import affiliate
from clinic.tree import text

PLAIN_FIX = "write it as a plain Markdown link; no store images, widgets, forms, image maps or frames"
TRAVEL_FIX = ("remove the store address from the article's Title, Summary and FAQ answers (the build refuses it there); "
              "if they are clean, the theme put it here")


def missing_rel(link, required) -> list[str]:
    """rel values are case-insensitive: `Sponsored` is `sponsored`."""
    have = {value.lower() for value in (link.get("rel") or "").split()}
    return [value for value in required if value.lower() not in have]


def rel_fix(required) -> str:
    return ("write it in Markdown and let the clinic plugin render it, or add rel=\"" + " ".join(required) + "\"")


def inspect(root, settings, *, listing: bool = False) -> tuple[list, list[tuple]]:
    """(the <a href> affiliate links in document order, [(element, rule, message, fix)] for the rest)."""
    patterns = settings["AFFILIATE_LINK_PATTERNS"]
    links, found = [], []
    for node, attribute, url in affiliate.uses(root, patterns):
        if affiliate.is_link(node, attribute):
            links.append(node)
            inside = next(node.iter(*affiliate.NOT_PLAIN), None)
            if inside is not None:
                found.append((node, "affiliate-plain-text", f"affiliate link {url} wraps an {inside.tag}", PLAIN_FIX))
        elif node.tag == "meta":
            name = node.get("name") or node.get("property") or node.get("http-equiv") or "meta"
            found.append((node, "affiliate-in-summary", f"<meta {name}> carries the store address {url}", TRAVEL_FIX))
        else:
            found.append((node, "affiliate-plain-text", f"<{node.tag} {attribute}=\"{url}\"> points at the store", PLAIN_FIX))
    for script in root.iter("script"):
        if "ld+json" in (script.get("type") or "").lower():
            for url in affiliate.addresses_in_text(script.text or "", patterns)[:1]:
                found.append((script, "affiliate-in-summary", f"the structured data (JSON-LD) carries the store address {url}",
                              TRAVEL_FIX))
    for title in root.iter("title"):
        for url in affiliate.addresses_in_text(text(title), patterns)[:1]:
            found.append((title, "affiliate-in-title", f"the page title carries the store address {url}", TRAVEL_FIX))
    area = next(root.iter("main"), None)
    # libxml2's own text serialisation: the Python walk of tree.text cost more than the rest of these checks.
    words = etree.tostring(area if area is not None else root, method="text", encoding="unicode", with_tail=False)
    for url in affiliate.addresses_in_text(words, patterns)[:1]:
        if listing:
            found.append((area, "affiliate-in-summary",
                          f"the listing shows the store address {url} as text, from an article's title or summary",
                          TRAVEL_FIX))
        else:
            found.append((area, "affiliate-address-text", f"the page shows the store address {url} as text, which "
                          "search excerpts and feed readers show without the notice",
                          "give the link words of its own in the article (the build refuses an address shown as text)"))
    if links:
        for frame in root.iter("iframe"):
            found.append((frame, "affiliate-plain-text", "a page with affiliate links embeds an iframe",
                          "remove it; store widgets are not allowed"))
    return links, found


def title_addresses(title: str, settings) -> list[str]:
    return affiliate.addresses_in_text(title, settings["AFFILIATE_LINK_PATTERNS"])
