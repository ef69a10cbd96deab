"""Safety rules on one article's HTML: only allow-listed HTML, no dangling links, no image without alt.

Same shape as every rule, (article, settings, source) -> [Problem]; listed in rules/__init__.py.
Markdown passes raw HTML through, so a pasted `<script>` or store widget would reach readers: the
allow-list (sanitise.py, RAW_HTML_* in settings) refuses it. A link to a missing file would be a dead link.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from clinic.rules.footnotes import check_footnotes
from clinic.problems import Problem, line_of, relative
from clinic.render.sanitise import check_raw_html, from_elsewhere
from clinic.tree import ELEMENTS, body_of, parsed, rel, text

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


# Markup that makes a browser fetch something: (tag, attribute).
LOADING_ATTRIBUTES = [("img", "src"), ("img", "srcset"), ("script", "src"), ("iframe", "src"), ("link", "href"),
                      ("video", "src"), ("video", "poster"), ("audio", "src"), ("source", "src"),
                      ("source", "srcset"), ("track", "src"), ("object", "data"), ("embed", "src"),
                      ("input", "src")]
# Where CSS fetches something: url(...) and @import "...".
CSS_URL = re.compile(r"(?:url\(\s*['\"]?|@import\s+['\"])((?:https?:)?//[^'\")\s;]+)", re.IGNORECASE)


def check_privacy(article, settings, source) -> list[Problem]:
    problems = []
    for url in external_loads(body_of(article), settings.get("SITEURL", "")):
        problems.append(Problem(relative(article.source_path), line_of(source, url), "privacy-external", f"the article would load {url} from another origin",
                                 "save the file under content/images/ and link it as {static}/images/NAME, or remove it"))
    return problems


def external_loads(html: str, site_url: str = "") -> list[str]:
    """URLs in `html` that a browser would fetch from another origin than `site_url`'s."""
    root = parsed(html)  # shared and read-only: the rules and the audit ask about the same HTML
    # One walk over the tree, not one per (tag, attribute) pair: this runs on every article and page.
    by_tag: dict[str, list] = {}
    styled = []
    for node in root.iter(ELEMENTS):
        by_tag.setdefault(node.tag, []).append(node)
        if node.get("style") is not None:
            styled.append(node)
    found = []
    for tag, attribute in LOADING_ATTRIBUTES:
        for node in by_tag.get(tag, []):
            if tag == "link" and not set(rel(node)) & {"stylesheet", "icon", "preload", "prefetch",
                                                        "modulepreload", "manifest", "preconnect",
                                                        "dns-prefetch", "apple-touch-icon"}:
                continue
            for url in re.split(r",\s*", node.get(attribute) or ""):
                url = url.strip().split(" ")[0]
                found.append(url)
    for style in [text(s) for s in by_tag.get("style", [])] + [n.get("style") for n in styled]:
        found += CSS_URL.findall(style)
    return [url for url in found if from_elsewhere(url, site_url)]


RULES = [check_raw_html, check_links, check_image_alt, check_footnotes, check_privacy]


def check_page(page, settings) -> list[Problem]:
    """The same rules on a static page (About, Contact, ...), which the editorial rules do not cover."""
    with open(page.source_path, encoding="utf-8") as handle:
        source = handle.read()
    return [problem for rule in RULES for problem in rule(page, settings, source)]
