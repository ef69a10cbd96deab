"""Safety rules on one article's HTML: only allow-listed HTML, no dangling links, no image without alt.

Same shape as rules.py (article, settings, source) -> [Problem]; registered in rules.ARTICLE_RULES.
Markdown passes raw HTML through, so a pasted `<script>` or store widget would reach readers: the
allow-list (sanitise.py, RAW_HTML_* in settings) refuses it. A link to a missing file would be a dead link.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .footnotes import check_footnotes
from .problems import Problem, relative
from .sanitise import check_raw_html
from .tree import body_of, parsed

# Pelican's intra-site link syntax: {filename}, {static}, {attach} (or |filename|), then a path.
INTERNAL_LINK_RE = re.compile(r"^(?:\{(filename|static|attach)\}|\|(filename|static|attach)\|)(.*)$")


def _tree(article):
    # Shared, read-only: the rules all read the same article HTML, so it is parsed once (clinic.tree).
    return parsed(body_of(article))


def _line(source: str, pattern: str) -> int:
    match = re.search(pattern, source, re.IGNORECASE)
    return source.count("\n", 0, match.start()) + 1 if match else 1


def _as_written(source: str, url: str) -> str:
    """A link target as the writer wrote it: the rewrite percent-encodes them ("my file.md" is "my%20file.md")."""
    url = url.strip()
    return url if url in source else unquote(url)


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
    from .rules import check_privacy  # rules.py imports this module: not at the top

    return [problem for rule in [*RULES, check_privacy] for problem in rule(page, settings, source)]
