"""Safety rules on one article's HTML: no raw scripts or embeds, no dangling links, no image without alt.

Same shape as rules.py (article, settings, source) -> [Problem]; registered in rules.ARTICLE_RULES.
Markdown passes raw HTML through, so a pasted `<script>` or store widget would reach readers and break
the Content-Security-Policy; a link to a missing file would become a dead link.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .footnotes import check_footnotes
from .problems import Problem, relative
from .tree import ELEMENTS, parsed

EMBEDS = ("iframe", "frame", "object", "embed")
# Pelican's intra-site link syntax: {filename}, {static}, {attach} (or |filename|), then a path.
INTERNAL_LINK_RE = re.compile(r"^(?:\{(filename|static|attach)\}|\|(filename|static|attach)\|)(.*)$")


def _tree(article):
    # Shared, read-only: the rules all read the same article HTML, so it is parsed once (clinic.tree).
    return parsed(getattr(article, "_content", "") or "")


def _line(source: str, pattern: str) -> int:
    match = re.search(pattern, source, re.IGNORECASE)
    return source.count("\n", 0, match.start()) + 1 if match else 1


def _as_written(source: str, url: str) -> str:
    """A link target as the writer wrote it: the rewrite percent-encodes them ("my file.md" is "my%20file.md")."""
    url = url.strip()
    return url if url in source else unquote(url)


def check_raw_html(article, settings, source) -> list[Problem]:
    path = relative(article.source_path)
    root = _tree(article)
    problems = []
    for tag in root.iter("script"):
        problems.append(Problem(path, _line(source, r"<script"), "raw-html-script",
                                "the article contains a <script> element",
                                "remove it; articles carry no scripts (the site's Content-Security-Policy blocks them)"))
    for tag in root.iter(ELEMENTS):
        handlers = sorted(a for a in tag.attrib if a.lower().startswith("on"))
        scripted = [a for a in ("href", "src") if str(tag.get(a, "")).strip().lower().startswith("javascript:")]
        for attr in handlers + scripted:
            problems.append(Problem(path, _line(source, re.escape(attr) + r"\s*="), "raw-html-script",
                                    f"<{tag.tag}> has a script in its {attr} attribute",
                                    "remove the attribute; articles carry no scripts"))
    for tag in root.iter(*EMBEDS):
        problems.append(Problem(path, _line(source, "<" + tag.tag), "raw-html-iframe",
                                f"the article embeds an <{tag.tag}> ({tag.get('src') or tag.get('data') or 'no source'})",
                                "remove it and link to the page instead; embeds load another site into ours"))
    return problems


def _target(value: str, article, settings) -> Path | None:
    """The file an intra-site link points at, or None when the link is not one."""
    match = INTERNAL_LINK_RE.match(value.strip())
    if not match:
        return None
    rel = unquote(urlsplit(match.group(3)).path)
    if rel.startswith("/"):
        return Path(settings["PATH"]) / rel.lstrip("/")
    return Path(article.source_path).parent / rel


def check_links(article, settings, source) -> list[Problem]:
    path = relative(article.source_path)
    problems = []
    for tag in _tree(article).iter("a", "img", "source", "video", "audio"):
        attr = "href" if tag.tag == "a" else "src"
        value = tag.get(attr)
        target = _target(value or "", article, settings)
        if target is None or target.is_file():
            continue
        value = _as_written(source, value)
        line = _line(source, re.escape(value))
        if tag.tag == "a":
            problems.append(Problem(path, line, "link-missing", f"links to {value}, which does not exist",
                                    "fix the file name (paths are relative to this file, or to content/ with a leading /)"))
        else:
            problems.append(Problem(path, line, "image-missing", f"shows {value}, which does not exist",
                                    "add the file under content/images/ or fix the name, e.g. {static}/images/name.svg"))
    return problems


def check_image_alt(article, settings, source) -> list[Problem]:
    path = relative(article.source_path)
    problems = []
    for img in _tree(article).iter("img"):
        if (img.get("alt") or "").strip():
            continue
        src = _as_written(source, img.get("src") or "")
        problems.append(Problem(path, _line(source, re.escape(src)) if src else 1, "image-alt-missing",
                                f"the image {src or '(no src)'} has no alt text",
                                "describe the image in the brackets: ![what the image shows](...)"))
    return problems


RULES = [check_raw_html, check_links, check_image_alt, check_footnotes]


def check_page(page, settings) -> list[Problem]:
    """The same rules on a static page (About, Contact, ...), which the editorial rules do not cover."""
    with open(page.source_path, encoding="utf-8") as handle:
        source = handle.read()
    return [problem for rule in RULES for problem in rule(page, settings, source)]
