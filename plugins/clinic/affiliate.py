"""Find affiliate links in rendered HTML and mark them. Used by the build plugin and the audit alike.

AFFILIATE_LINK_PATTERNS (settings) is the one definition of an affiliate URL. A browser does not go where an
href is spelled but where it resolves, so each href is matched as written and in the form a browser would
navigate to: tabs and newlines dropped, the scheme and host lowercased, userinfo, port and a trailing dot
dropped from the host, percent- and full-width spellings of the host decoded, `\\` read as `/`, and the
query percent-decoded. Every element and attribute through which markup can send a reader somewhere is
looked at, not only <a href>.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import quote_plus, unquote

from lxml import etree

SEARCH_SCHEME = "amazon-search:"
# Attributes whose value is (or holds) a URL a browser follows or fetches. Any attribute whose name ends in
# href or src counts too (xlink:href in SVG, lowsrc, ...); <meta content> only where it can be a URL.
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "data", "poster", "cite", "ping", "background",
                  "longdesc", "usemap", "codebase", "manifest", "icon", "archive", "imagesrcset"}
LINK_ELEMENTS = ("a", "area")
# What an affiliate link must not wrap: store images, widgets, frames, controls.
NOT_PLAIN = ("img", "picture", "svg", "iframe", "video", "object", "embed", "canvas", "button", "input")
_SPECIAL = ("http", "https")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_NESTED = re.compile(r"(?:https?:)?//[^\s&#]+", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")\s]+)", re.IGNORECASE)
_TOKEN = re.compile(r"[^\s<>\"'()\[\]{},;|]+")
# What a word must hold to be an address (//, www., amazon-search:, or a dotted host and a path or query).
# Prose is searched for these first, and only the words around a hit are read: splitting every page's text
# into words cost the audit a sixth more time.
_HINT = re.compile(r"//|www\.|amazon-search:|\.[^\s./?]{2,}[/?]", re.IGNORECASE)
_NON_SPACE = re.compile(r"\S*")


@lru_cache(maxsize=None)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def is_search_link(href: str | None) -> bool:
    """`amazon-search:...` in any case: the writer's shorthand, before the build expands it."""
    return _without_controls(href or "").lower().startswith(SEARCH_SCHEME)


def is_affiliate(href: str | None, patterns) -> bool:
    if not href or not href.strip():
        return False
    return _matches(href, tuple(patterns))


@lru_cache(maxsize=65536)
def _matches(href: str, patterns: tuple[str, ...]) -> bool:
    if is_search_link(href):
        return True
    compiled = _compiled(patterns)
    return any(p.search(candidate) for candidate in spellings(href) for p in compiled)


def _without_controls(href: str) -> str:
    # What a browser does first: strip leading and trailing C0 controls and spaces, drop tabs and newlines.
    return re.sub(r"[\t\n\r]", "", href.strip("".join(map(chr, range(0x21)))))


def spellings(href: str) -> list[str]:
    """The href as written, then as a browser resolves it (with and without its fragment, query decoded)."""
    written = href.strip()
    url = _without_controls(html.unescape(href))  # HTML5 entities (&colon;, &sol;, &Tab;) as a browser reads them
    scheme_match = _SCHEME.match(url)
    scheme = scheme_match.group(1).lower() if scheme_match else ""
    rest = url[len(scheme) + 1:] if scheme else url
    if scheme and scheme not in _SPECIAL:
        return [written, scheme + ":" + rest]
    rest = rest.replace("\\", "/")
    if not scheme and not rest.startswith("//"):
        return [written, url]  # a relative URL stays on this site
    # For http(s), any run of slashes (or none, from another origin) starts the host.
    rest = rest.lstrip("/")
    cut = min([i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0], default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    host = _host(authority)
    if not tail.startswith("/"):
        tail = "/" + tail
    resolved = f"{scheme + ':' if scheme else ''}//{host}{tail}"
    bare = resolved.split("#", 1)[0]
    # A redirect through another site (`...?url=https%3A%2F%2Famzn.to%2F...`) goes where its nested URL goes.
    nested = [spelling for inner in _NESTED.findall(unquote(tail)) for spelling in spellings(inner)[1:]]
    return [written, resolved, bare, unquote(bare), *nested]


def _host(authority: str) -> str:
    host = authority.rsplit("@", 1)[-1]  # userinfo (https://anyone@amazon.com) is not the host
    if not host.startswith("["):
        host = host.split(":", 1)[0]  # nor is the port
    host = unquote(host)
    try:
        # Full-width letters and ideographic full stops map to ASCII, as browsers' IDNA processing does.
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        pass
    return host.lower().rstrip(".")


def urls_in_attribute(tag: str, name: str, value: str) -> list[str]:
    """The URLs an attribute holds: one for href, several for srcset and ping, a url(...) in a style."""
    name = name.lower()
    if name == "style":
        return _CSS_URL.findall(value)
    if tag == "meta" and name == "content":
        return _tokens(re.sub(r"url=", " ", value, flags=re.IGNORECASE))
    if name in URL_ATTRIBUTES or name.endswith(("href", "src", "srcset")):
        if name == "ping":
            return value.split()
        if name.endswith("srcset"):
            return [piece.split()[0] for piece in value.split(",") if piece.split()]
        return [value]
    return []


def uses(root, patterns) -> list[tuple]:
    """(element, attribute, url) for each affiliate URL anywhere in the markup under `root`, in document order."""
    key = tuple(patterns)
    found = []
    for node in root.iter(etree.Element):
        for name, value in node.items():
            if _holds_urls(node.tag, name):
                for url in urls_in_attribute(node.tag, name, value):
                    if url.strip() and _matches(url, key):
                        found.append((node, name, url))
                        break
    return found


@lru_cache(maxsize=None)
def _holds_urls(tag: str, name: str) -> bool:
    name = name.lower()
    return (name == "style" or (tag == "meta" and name == "content") or name in URL_ATTRIBUTES
            or name.endswith(("href", "src", "srcset")))


def is_link(node, attribute: str) -> bool:
    """An affiliate URL a reader follows by choice: the href of an <a>. Everything else is a store image,
    button, form, image map, frame, prefetch or widget."""
    return node.tag == "a" and attribute.lower() == "href"


def links(root, patterns) -> list:
    """The <a href> affiliate links under `root`, in document order."""
    return [node for node, name, _ in uses(root, patterns) if is_link(node, name)]


def _tokens(text: str) -> list[str]:
    """Each word of `text` that could be an address, and, for `www.host...` or `host.tld/path` without a scheme,
    the same with one: feed readers and link previews turn such text into links. A store's bare name
    ("Amazon.com") is a mention, not an address."""
    found = []
    for token in _TOKEN.findall(text or ""):
        token = token.rstrip(".:!?")
        if "." not in token and ":" not in token:
            continue  # most words: no address without a dot or a scheme
        found.append(token)
        host, slash, _ = token.partition("/")
        if "." in host and not _SCHEME.match(token) and not token.startswith("//") and (
                slash or host.lower().startswith("www.")):
            found.append("https://" + token)
    return found


def addresses_in_text(text: str, patterns) -> list[str]:
    """Store addresses written as text (`https://amzn.to/x`, `www.amazon.com/dp/x`, `amazon-search:pads`)."""
    return [token for chunk in _hinted_words(text or "") for token in _tokens(chunk) if is_affiliate(token, patterns)]


def _hinted_words(text: str):
    """The whitespace-delimited words of `text` that hold a _HINT, each once."""
    end = -1
    for hint in _HINT.finditer(text):
        if hint.start() < end:
            continue
        start = hint.start()
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        end = _NON_SPACE.match(text, hint.end()).end()
        yield text[start:end]


def expand_search_link(href: str, search_url: str, tag: str) -> str:
    """`amazon-search:tens+unit` (in any case) -> the store's search URL with the associate tag from settings."""
    query = _without_controls(href)[len(SEARCH_SCHEME):].strip()
    return search_url.format(query=quote_plus(query.replace("+", " ")), tag=tag)


def merge_rel(existing: str | list | None, required) -> list[str]:
    """Keep whatever rel values a link had and add the required ones, without duplicates (rel is
    case-insensitive, so `Sponsored` already is `sponsored`)."""
    if isinstance(existing, str):
        existing = existing.split()
    merged = list(existing or [])
    have = {value.lower() for value in merged}
    for value in required:
        if value.lower() not in have:
            merged.append(value)
            have.add(value.lower())
    return merged
