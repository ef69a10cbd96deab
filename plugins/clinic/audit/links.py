"""Every link a reader can follow inside the site leads to a file in the built output, and its #fragment
to an id on that page.

The built output is the truth: whatever form a link was written in ({filename}, /articles/x/, ../x/,
the site's own absolute address, #anchor, raw HTML, a reference-style definition, a template), it is
checked as the reader's browser will follow it. A broken link in an article's or page's own text is
named by its Markdown file and line (the plugin remembers, per built page, which source it came from);
one the theme wrote is named by the built file and line.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from clinic.problems import Problem, relative
from clinic.tree import body_of, parsed

# What a reader (or the browser, for rel=next and the like) follows. Loads (img, script, stylesheets) are
# the asset and privacy checks' business.
FOLLOWED = (("a", "href"), ("area", "href"), ("form", "action"))
FOLLOWED_LINK_RELS = {"canonical", "alternate", "prev", "next", "search", "author", "help", "license"}
# Fragments every browser honours without an id (HTML: "#top" and "#" scroll to the top).
BUILTIN_FRAGMENTS = {"", "top"}

# Per OUTPUT_PATH: the built page -> the content object it was rendered from, set while Pelican runs.
_sources: dict[str, dict[str, object]] = {}


def remember_sources(generators) -> None:
    """all_generators_finalized: which built file each article, page and draft becomes, for naming lines."""
    found: dict[str, object] = {}
    output = None
    for generator in generators:
        output = generator.settings.get("OUTPUT_PATH")
        for name in ("articles", "translations", "drafts", "drafts_translations", "pages", "hidden_pages",
                     "draft_pages", "hidden_translations", "draft_translations"):
            for item in getattr(generator, name, None) or []:
                if getattr(item, "save_as", ""):
                    found[item.save_as.replace(os.sep, "/")] = item
    if output is not None:
        # Only the latest build's: the live preview builds into a fresh folder on every save.
        _sources.clear()
        _sources[_key(output)] = found


def _key(output) -> str:
    return str(Path(output).resolve())


def _walk(output: Path, settings) -> tuple[list[str], set[str]]:
    """The built pages to check, and every file of the output, in one walk. Pagefind's folder is left out
    (another lane may be writing it; pages do not link into it), and so are drafts' pages, whose
    unfinished text is the writer's business until they publish (the preview lists it)."""
    drafts = [re.sub(r"\{[^}]+\}", "*", settings.get(name) or "") for name in ("DRAFT_SAVE_AS", "DRAFT_PAGE_SAVE_AS")]
    pages, files = [], set()
    for folder, dirs, names in os.walk(output):
        rel_folder = os.path.relpath(folder, output).replace(os.sep, "/")
        if rel_folder == ".":
            dirs[:] = [d for d in dirs if d != settings["SEARCH_INDEX_PATH"]]
        for name in names:
            rel = name if rel_folder == "." else f"{rel_folder}/{name}"
            files.add(rel)
            if name.endswith(".html") and not any(d and fnmatch.fnmatch(rel, d) for d in drafts):
                pages.append(rel)
    return sorted(pages), files


def _own_prefixes(settings) -> list[tuple[str, str]]:
    """(host, path prefix) of the addresses that are this site: SITEURL and SITE_PUBLIC_URL."""
    prefixes = []
    for url in (settings.get("SITEURL"), settings.get("SITE_PUBLIC_URL")):
        parts = urlsplit(url or "")
        if parts.netloc:
            prefixes.append((parts.netloc.lower(), parts.path.rstrip("/")))
    return prefixes


def _served_elsewhere(href: str, settings) -> bool:
    """The booking form, and whatever else LINKS_SERVED_ELSEWHERE names, are not this build's to check."""
    booking = (settings.get("CLINIC") or {}).get("booking_url")
    return any(href.startswith(url) for url in [*settings.get("LINKS_SERVED_ELSEWHERE", []), booking] if url)


def site_path(href: str, page: str, settings) -> tuple[str, str] | None:
    """(path in the output, fragment) a link on the built page `page` leads to; None for another site."""
    # A browser reads '\' as '/' in a web address (WHATWG URL), so 'https:\\host\path' is another site.
    href = href.strip().replace("\\", "/")
    parts = urlsplit(href)
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return None  # mailto:, tel:; javascript: is raw-html-script's
    path = parts.path
    if parts.netloc:
        own = [prefix for host, prefix in _own_prefixes(settings)
               if host == parts.netloc.lower() and (path + "/").startswith(prefix + "/")]
        if not own or _served_elsewhere(href, settings):
            return None
        path = path[len(own[0]):] or "/"
    if not path:
        path = "/" + page  # "#x" and "?q" stay on the page
    elif not path.startswith("/"):
        path = posixpath.join(posixpath.dirname("/" + page), path)
    resolved = posixpath.normpath(unquote(path))
    if path.endswith("/") and resolved != "/":
        resolved += "/"
    return resolved.lstrip("/"), unquote(parts.fragment)


class _Site:
    """The output's files and, read once each, the ids of its pages."""

    def __init__(self, output: Path, files: set[str]):
        self.output, self.files = output, files
        self.ids: dict[str, set[str]] = {}
        self.verdicts: dict[tuple, str | None] = {}

    def target(self, path: str) -> str | None:
        """The built file a path names, as a static host serves it: a folder is its index.html, with or
        without the trailing slash."""
        candidates = [path + "index.html"] if path.endswith("/") or not path else [path, path + "/index.html"]
        found = next((c for c in candidates if c in self.files), None)
        # A file another lane added after the walk (none is a page's link target today) is still a file.
        return found or next((c for c in candidates if (self.output / c).is_file()), None)

    def page_ids(self, rel: str, root=None) -> set[str]:
        if rel not in self.ids:
            if root is None:
                root = parsed((self.output / rel).read_text(encoding="utf-8"))
            self.ids[rel] = set(root.xpath("//@id | //a/@name"))
        return self.ids[rel]


# Document order, so that a page's links as rendered and as written pair up one to one.
_FOLLOWED = "|".join(f"//{tag}[@{attribute}]" for tag, attribute in FOLLOWED) + "|//link[@href]"


def followed(root):
    """(element, the link it holds) for every link a reader can follow on a page."""
    for node in root.xpath(_FOLLOWED):
        if node.tag == "link":
            if set((node.get("rel") or "").lower().split()) & FOLLOWED_LINK_RELS:
                yield node, node.get("href")
        else:
            yield node, node.get("action" if node.tag == "form" else "href")


def check_output_links(output, settings, share: tuple[int, int] = (0, 1)) -> list[Problem]:
    """Every followable link on every built page (drafts and the search index aside) resolves.

    `share` (i, n): only every n-th page from the i-th, so that n processes can share the pages (the
    full build's checks run in two); a page's links are still followed into every other page.
    """
    output = Path(output)
    pages, files = _walk(output, settings)
    site, sources, problems, elsewhere = _Site(output, files), _sources.get(_key(output), {}), [], {}
    for page in pages[share[0]::share[1]]:
        root = parsed((output / page).read_text(encoding="utf-8"))
        site.page_ids(page, root)
        for node, href in followed(root):
            wrong = _broken(href, page, site, settings)
            if wrong:
                problems.extend(_problems(page, getattr(node, "sourceline", None) or 1, href, wrong,
                                          _source_of(href, sources.get(page), sources, elsewhere)))
    return problems


def _source_of(href: str, own, sources: dict, elsewhere: dict):
    """The content object whose text holds the link: the page's own, or (a listing showing a summary)
    any other, looked for once per link (`elsewhere`); None when the theme wrote it. Only broken links
    are looked for."""
    if own is not None and _written_form(href, own) is not None:
        return own
    if href not in elsewhere:
        elsewhere[href] = next((s for s in sources.values() if _written_form(href, s) is not None), None)
    return elsewhere[href]


def _broken(href: str, page: str, site: _Site, settings) -> str | None:
    """What is wrong with a link ('missing' or 'anchor'), or None when it resolves. Most links are the
    theme's, the same on every page: a link that does not depend on the page it is on is judged once."""
    on_page = href.startswith("#") or not re.match(r"^([a-z][a-z0-9+.-]*:|/)", href, re.IGNORECASE)
    key = (href, page if on_page else "")
    if key not in site.verdicts:
        site.verdicts[key] = _verdict(href, page, site, settings)
    return site.verdicts[key]


def _verdict(href: str, page: str, site: _Site, settings) -> str | None:
    resolved = site_path(href, page, settings)
    if resolved is None:
        return None
    path, fragment = resolved
    target = site.target(path)
    if target is None:
        return "missing"
    if fragment.lower() in BUILTIN_FRAGMENTS or not target.endswith(".html"):
        return None
    return None if fragment in site.page_ids(target) else "anchor"


def _problems(page: str, line: int, href: str, wrong: str, source) -> list[Problem]:
    written = _written_form(href, source) if source is not None else None
    if written is None:
        where = [(page, line)]
        shown = href
    else:
        shown, lines = written
        where = [(relative(source.source_path), n) for n in lines]
    fragment = urlsplit(shown).fragment or urlsplit(href).fragment
    if wrong == "missing":
        rule, message = "link-missing", f"links to {shown}, which is not a page or file of the built site"
        fix = ("link by file name, e.g. [text]({filename}other-article.md), or fix the address"
               if written is not None else "fix the link in the template that writes it")
    else:
        rule, message = "anchor-missing", f"links to {shown}, but that page has no heading or note with the id '{fragment}'"
        fix = ("use the id of a heading (its words in lowercase, joined by -) or of a note (#fn:key) on that page"
               if written is not None else "fix the fragment in the template, or give the target element that id")
    return [Problem(path, number, rule, message, fix) for path, number in where]


def _written_form(href: str, source) -> tuple[str, list[int]] | None:
    """The link as the writer wrote it in `source`'s Markdown, and each line it is on; None when it is
    not in the article's or page's own text (the theme wrote it)."""
    try:
        html = source.get_content(source.get_siteurl())
        with open(source.source_path, encoding="utf-8") as handle:
            text = handle.read()
    except (AttributeError, OSError):
        return None
    rendered, written = parsed(html), parsed(body_of(source))
    pairs = zip([h for _, h in followed(rendered)], [h for _, h in followed(written)])
    as_written = [w for r, w in pairs if r == href]
    if not as_written:
        return None
    for candidate in dict.fromkeys(as_written):
        for form in dict.fromkeys([candidate, unquote(candidate), candidate.replace("&", "&amp;")]):
            lines = _lines_of(text, form)
            if lines:
                return form, lines
    return as_written[0], [1]


def _lines_of(text: str, target: str) -> list[int]:
    """Each line where `target` stands as a link target: after ( < = " ' or a reference's colon."""
    pattern = re.compile(r"(?:(?<=[(<=\"'])|(?<=\]:)\s*)" + re.escape(target) + r"(?=[)>\"'\s]|$)")
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line) and number not in found:
            found.append(number)
    return found
