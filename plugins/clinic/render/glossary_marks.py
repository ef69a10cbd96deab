"""Mark the first use of each glossary term in an article: its meaning one step away, without hovering.

The first use in the article's prose becomes a link to the term's entry on the glossary page. For an
abbreviation the link holds `<abbr title="expansion">`, and the link's accessible name (aria-label)
carries the expansion too ("NSAIDs, nonsteroidal anti-inflammatory drug, in the glossary"), so a screen
reader announces what a sighted reader finds one click away. The name starts with the visible word
(WCAG 2.5.3). A label, not hidden text: feed readers and search excerpts, which have no stylesheet, would
show hidden text in the middle of the sentence. Headings, FAQ
questions, links, code and the sources are left as they are: a link inside a heading or another link
would break them. Only the first use in the page is marked; later ones are plain words.
"""

from __future__ import annotations

from lxml import etree

from clinic.source import glossary
from clinic.tree import ELEMENTS, classes

LEFT_ALONE = ("a", "abbr", "h1", "h2", "h3", "h4", "h5", "h6", "summary", "pre", "code", "kbd", "samp", "sup",
              "script", "style", "template", "button", "label", "dfn")


def mark_first_uses(body, settings) -> list[str]:
    """Mark the first use of each term under `body` (an lxml element); the anchors of the terms marked."""
    terms = glossary.entries(settings)
    pattern = glossary.matcher(terms)
    if pattern is None:
        return []
    url = "/" + settings.get("GLOSSARY_URL", "glossary/")
    marked: list[str] = []

    def link_for(match):
        entry = glossary.entry_of(match, terms)
        if entry.anchor in marked:
            return None
        marked.append(entry.anchor)
        written = match.group(0)
        name = f"{written}, {entry.expansion}, in the glossary" if entry.is_abbreviation else f"{written}, in the glossary"
        link = etree.Element("a", {"class": "glossary-term", "href": f"{url}#{entry.anchor}", "aria-label": name})
        if entry.is_abbreviation:
            etree.SubElement(link, "abbr", {"title": entry.expansion}).text = written
        else:
            link.text = written
        return link

    def first_link(text):
        for match in pattern.finditer(text or ""):
            link = link_for(match)
            if link is not None:
                return match, link
        return None, None

    def walk(node):
        if node.tag in LEFT_ALONE or "footnote" in classes(node):
            return
        match, link = first_link(node.text)
        if link is not None:  # the text before the first child: the link's tail holds the rest of it
            rest, node.text = node.text[match.end():], node.text[:match.start()]
            node.insert(0, link)
            link.tail = rest
        for child in list(node.iterchildren(ELEMENTS)):
            walk(child)
            anchor = child
            match, link = first_link(anchor.tail)
            while link is not None:  # the text after each child, split at each term's first use
                rest, anchor.tail = anchor.tail[match.end():], anchor.tail[:match.start()]
                anchor.addnext(link)
                link.tail = rest
                anchor = link
                match, link = first_link(anchor.tail)

    walk(body)
    return marked
