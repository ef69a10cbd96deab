"""The `body_and_sources` Jinja filter: an article's content as its body and its footnotes, apart.

The theme shows Markdown's footnotes as a headed Sources section after the body, and counts reading time
on the body alone; feeds keep the content whole. The content is parsed, not cut at a string, so the
footnotes are found however their div's attributes are written; only a top-level footnotes div counts,
as Markdown's footnotes extension writes it.
"""

from __future__ import annotations

from clinic.render.rewrite import parse_fragment, serialise_fragment
from clinic.tree import ELEMENTS, classes


def body_and_sources(content: str) -> tuple[str, str]:
    """(the body's HTML, the footnotes' list as HTML, or "" when the article has none)."""
    if "footnote" not in (content or ""):
        return content or "", ""  # most pages: nothing to find, so nothing to parse
    body = parse_fragment(content)
    notes = next((node for node in body.iterchildren(ELEMENTS) if "footnote" in classes(node)), None)
    if notes is None:
        return content, ""
    listed = serialise_fragment(notes)
    previous = notes.getprevious()
    if notes.tail and notes.tail.strip():  # text after the footnotes stays in the body
        if previous is not None:
            previous.tail = (previous.tail or "") + notes.tail
        else:
            body.text = (body.text or "") + notes.tail
    body.remove(notes)
    return serialise_fragment(body), listed
