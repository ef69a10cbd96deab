"""Raw HTML: refuse, by file and line, whatever the allow-list does not permit; then clean with nh3 (Ammonia).

Markdown passes raw HTML through, and its own syntax carries attributes (`{: onclick="..." }`) and any
address (`[x](javascript:...)`). The allow-list (RAW_HTML_* in pelicanconf.py) names what a body or a
written summary may hold: what our Markdown extensions and the clinic rewrite produce. Two readers of
that one list, neither trusted alone:

- `check_raw_html` walks the lxml tree and names each element, attribute, class and address the list
  does not permit, with the Markdown line it came from (raw-html-element, -attribute, -url). It then
  asks nh3 to clean the same HTML with the same list: where nh3 would change anything the walk did not
  name (html5ever and libxml2 read some malformed HTML differently), that is refused too
  (raw-html-sanitiser). So nothing is ever removed silently: the build refuses first.
- `clean_published`, after the rules pass, writes nh3's result into every published article and page,
  so what reaches readers is what the list permits even if the walk were wrong. (Drafts are left as
  written: their problems are warnings printed for the writer, and only the preview shows them.)

`from_elsewhere` is the one reading of "loads from another origin": the privacy-external rule, the audit
and nh3's attribute filter all ask it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import nh3

from clinic.problems import Problem
from clinic.tree import ELEMENTS, parsed

# Attributes whose value is an address a browser follows or fetches (ammonia's list and more).
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "cite", "data", "background", "longdesc",
                  "ping", "srcset", "xlink:href", "manifest", "codebase", "icon", "lowsrc", "dynsrc"}
# Of those, the ones that make the browser fetch while the page loads (privacy-external).
LOAD_ATTRIBUTES = {"src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc", "icon"}
# The elements lxml wraps a fragment in; they carry no attributes of their own.
WRAPPERS = ("html", "head", "body")
# Why a refused thing is dangerous, for the message; the allow-list decides, this only explains.
WHY_ELEMENT = {
    **dict.fromkeys(("script", "noscript", "template"), "it runs or hides a script"),
    **dict.fromkeys(("svg", "math"), "it can carry scripts and links of its own"),
    **dict.fromkeys(("iframe", "frame", "frameset", "object", "embed", "portal", "applet", "fencedframe"),
                    "it embeds another page"),
    **dict.fromkeys(("form", "input", "button", "textarea", "select", "isindex"),
                    "it sends what a reader types to another address"),
    "meta": "it can move the reader to another page", "base": "it changes where every link on the page goes",
    "link": "it loads a file", "style": "it restyles the page; the policy blocks inline style",
    **dict.fromkeys(("video", "audio", "source", "track", "picture"), "it loads media"),
}
WHY_ATTRIBUTE = {"srcdoc": "it embeds another page", "style": "it restyles the page; the policy blocks inline style",
                 "target": "it opens another window", "formaction": "it sends a form elsewhere",
                 "ping": "it reports the click to another address", "srcset": "it loads images",
                 "autofocus": "it moves focus", "http-equiv": "it can move the reader to another page"}
# CSS that fetches, runs, imports or escapes its way past a property filter.
CSS_REFUSED = re.compile(r"url\s*\(|image-set\s*\(|expression\s*\(|@import|\\|/\*|javascript:|behavior\s*:|-moz-binding",
                         re.IGNORECASE)
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# What, before the first colon, makes a browser read the scheme otherwise than it is written.
ODD_HEAD = re.compile(r"[\s%&\\\x00-\x1f]")


# eq=False: hashed by identity, and _allow_list keeps one instance per configuration.
@dataclass(frozen=True, eq=False)
class AllowList:
    tags: frozenset
    attributes: dict        # tag (or "*") -> frozenset of names
    values: dict            # tag -> {attribute: frozenset of values}
    classes: dict           # tag -> frozenset of class names
    schemes: frozenset
    style: frozenset        # CSS properties a style attribute may set; empty: no style attribute
    site_url: str

    def permits_attribute(self, tag: str, name: str) -> bool:
        return (name in self.attributes.get(tag, ()) or name in self.attributes.get("*", ())
                or name in self.values.get(tag, {}) or (name == "class" and tag in self.classes)
                or (name == "style" and bool(self.style)))


SETTINGS = ("RAW_HTML_TAGS", "RAW_HTML_ATTRIBUTES", "RAW_HTML_ATTRIBUTE_VALUES", "RAW_HTML_CLASSES",
            "RAW_HTML_URL_SCHEMES", "RAW_HTML_STYLE_PROPERTIES", "SITEURL")


def allow_list(settings) -> AllowList:
    return _allow_list(json.dumps([settings.get(name) for name in SETTINGS], sort_keys=True, default=sorted))


@lru_cache(maxsize=8)
def _allow_list(key: str) -> AllowList:
    tags, attributes, values, classes, schemes, style, site_url = json.loads(key)
    lower = lambda names: frozenset(str(n).lower() for n in names or ())  # noqa: E731
    return AllowList(lower(tags), {t: lower(a) for t, a in (attributes or {}).items()},
                     {t: {a: frozenset(v) for a, v in per.items()} for t, per in (values or {}).items()},
                     {t: frozenset(c) for t, c in (classes or {}).items()}, lower(schemes), lower(style),
                     site_url or "")


# --- What may load --------------------------------------------------------------------------------

def as_browser_reads(url: str) -> str:
    """An address the way a browser's URL parser sees it: outer spaces and controls gone, tabs and
    newlines removed anywhere (`java\\tscript:`), backslashes read as slashes (`\\\\host` is `//host`)."""
    return re.sub(r"[\t\n\r]", "", (url or "").strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r"
                                                     "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
                                                     "\x1a\x1b\x1c\x1d\x1e\x1f ")).replace("\\", "/")


def scheme_of(url: str) -> str | None:
    match = SCHEME.match(as_browser_reads(url))
    return match.group(1).lower() if match else None


def schemes_of(url: str) -> set[str]:
    head = url.partition(":")[0]
    if not ODD_HEAD.search(head):  # the usual address: its scheme is what it says
        match = SCHEME.match(url)
        return {match.group(1).lower()} if match else set()
    return _odd_schemes(url)


def _odd_schemes(url: str) -> set[str]:
    """The scheme as written, and as it reads percent-decoded and without spaces: Markdown turns a tab
    in `java\tscript:` into spaces and lxml writes those as %20, harmless in a browser, but the writer
    meant a script and is told so."""
    return {s for s in (scheme_of(url), scheme_of(unquote(url)), scheme_of(re.sub(r"\s", "", unquote(url)))) if s}


def from_elsewhere(url: str, site_url: str = "") -> bool:
    """Whether fetching `url` would ask another origin than `site_url`'s: `//host`, `\\\\host`, any
    `scheme://host` but this site's, and `https:host` (its host is anyone's guess)."""
    address = as_browser_reads(url)
    scheme = scheme_of(address)
    if scheme is None and not address.startswith("//"):
        return False  # relative: this site
    if scheme not in (None, "http", "https") and not address[len(scheme) + 1:].startswith("//"):
        return False  # data:, blob:, mailto:...: no other host; the scheme list refuses them in content
    own = urlsplit(site_url).netloc.lower()
    return urlsplit(address if scheme else "https:" + address).netloc.lower() != own or not own


# --- The walk: every refusal, named ---------------------------------------------------------------

class _Lines:
    """Lines of the source where the refused things were written. Each pattern resumes after its last
    match, so a second `onerror` is found on its own line, not the first one's again."""

    def __init__(self, source: str):
        self.source = source
        self.after: dict[str, int] = {}

    def find(self, *patterns: str) -> int:
        for pattern in patterns:
            start = self.after.get(pattern, 0)
            match = re.compile(pattern, re.IGNORECASE).search(self.source, start) or (
                re.compile(pattern, re.IGNORECASE).search(self.source) if start else None)
            if match:
                self.after[pattern] = match.end()
                return self.source.count("\n", 0, match.end() - 1 if match.end() else 0) + 1
        return 1


def _element_patterns(tag: str) -> tuple[str, ...]:
    return (rf"<{re.escape(tag)}(?=[\s/>])",)


def _attribute_patterns(tag: str, name: str) -> tuple[str, ...]:
    attr = re.escape(name)
    return (rf"<{re.escape(tag)}\b[^>]*?[\s\"'/]{attr}(?=\s*=|[\s/>])", rf"\{{[^}}\n]*?[\s:]{attr}\s*=",
            rf"[\s\"'/]{attr}\s*=", *_element_patterns(tag))


def _refusals(root, allow: AllowList):
    """(rule, tag, attribute or None, value, message) for each thing the list does not permit."""
    for node in root.iter(ELEMENTS):
        tag = str(node.tag).lower()
        if tag in WRAPPERS:
            for name, value in node.attrib.items():
                yield ("raw-html-element", tag, None, value, f"a <{tag}> tag with {name}= is not allowed in content")
            continue
        if tag not in allow.tags:
            why = WHY_ELEMENT.get(tag, "the allow-list does not permit it")
            yield "raw-html-element", tag, None, "", f"<{tag}> is not allowed here ({why})"
            continue
        for name, value in node.attrib.items():
            name = str(name).lower()
            refused = _refused_attribute(tag, name, value, allow)
            if refused:
                yield refused


def _refused_attribute(tag, name, value, allow: AllowList):
    if name == "class":
        extra = [c for c in value.split() if c not in allow.classes.get(tag, ())]
        if extra:
            return ("raw-html-attribute", tag, name, extra[0],
                    f"<{tag}> has class '{' '.join(extra)}', which is not allowed on <{tag}>")
        return None
    if not allow.permits_attribute(tag, name):
        why = "it runs a script" if name.startswith("on") else WHY_ATTRIBUTE.get(name, "the allow-list does not permit it")
        return "raw-html-attribute", tag, name, value, f"<{tag}> has {name}=, an attribute that is not allowed ({why})"
    if name in allow.values.get(tag, {}) and value not in allow.values[tag][name]:
        return "raw-html-attribute", tag, name, value, f"<{tag}> has {name}=\"{value}\", a value that is not allowed"
    if name == "style":
        properties = [part.split(":", 1)[0].strip().lower() for part in value.split(";") if part.strip()]
        if CSS_REFUSED.search(value) or any(p not in allow.style for p in properties):
            return "raw-html-attribute", tag, name, value, f"<{tag}> has style=\"{value}\", which is not allowed"
    if name in URL_ATTRIBUTES:
        for address in (re.split(r",\s*", value) if name == "srcset" else [value]):
            refused = schemes_of(address.strip().split(" ")[0] if name == "srcset" else address) - allow.schemes
            scheme = min(refused, default=None)
            if scheme is not None:
                why = " (it runs a script)" if scheme in ("javascript", "vbscript") else ""
                return ("raw-html-url", tag, name, value,
                        f"<{tag}> {name}= is a {scheme}: address{why}, which is not allowed")
    return None


def _signatures(html: str, site_url: str) -> list[tuple]:
    """Each element as (tag, attributes) in document order, class lists normalised, without the loads
    from another origin (privacy-external names those; nh3 drops them)."""
    found = []
    for node in parsed(html).iter(ELEMENTS):
        attributes = dict(node.attrib)
        if "class" in attributes:
            attributes["class"] = " ".join(attributes["class"].split())
        for name in LOAD_ATTRIBUTES.intersection(attributes):
            if _loads_elsewhere(name, attributes[name], site_url):
                del attributes[name]
        found.append((node.tag, sorted(attributes.items())))
    return found


def _loads_elsewhere(attribute: str, value: str, site_url: str) -> bool:
    return attribute in LOAD_ATTRIBUTES and any(from_elsewhere(v.strip().split(" ")[0], site_url)
                                                for v in re.split(r",\s*", value))


def _sanitiser_change(html: str, allow: AllowList) -> tuple | None:
    """The first element nh3 would drop or change, or None when its result is the input."""
    if same_document(html, _cleaned(allow, html)):
        return None
    before, after = _signatures(html, allow.site_url), _signatures(_cleaned(allow, html), allow.site_url)
    if before == after:
        return None
    index = next((i for i, (a, b) in enumerate(zip(before, after)) if a != b), min(len(before), len(after)))
    return before[index] if index < len(before) else after[index]


def problems_in(html: str, source: str, path: str, allow: AllowList, *, line: int | None = None) -> list[Problem]:
    """Every refusal in `html`, each on the source line it came from (or all on `line`, a header field)."""
    if not html.strip():
        return []
    lines = _Lines(source)
    found = []
    for rule, tag, name, value, message in _refusals(parsed(html), allow):
        if line is not None:
            at = line
        elif rule == "raw-html-url":
            at = lines.find(re.escape(value.strip()), *_attribute_patterns(tag, name))
        elif name == "class":
            at = lines.find(rf"[.\s\"']{re.escape(value)}(?![\w-])", *_attribute_patterns(tag, name))
        elif name:
            at = lines.find(*_attribute_patterns(tag, name))
        else:
            at = lines.find(*_element_patterns(tag))
        fix = ("link to an https:// page or to a file of this site" if rule == "raw-html-url" else
               "remove it and write plain Markdown (what HTML may hold is RAW_HTML_* in pelicanconf.py)")
        found.append(Problem(path, at, rule, message, fix))
    if not found:
        changed = _sanitiser_change(html, allow)
        if changed is not None:
            tag = changed[0]
            found.append(Problem(path, line or lines.find(*_element_patterns(tag)), "raw-html-sanitiser",
                                 f"the sanitiser would change the HTML around <{tag}> (it is malformed or ambiguous)",
                                 "close every tag you open, quote attribute values, or write plain Markdown"))
    return found


def check_raw_html(article, settings, source) -> list[Problem]:
    """The rule (article, settings, source) -> [Problem], over the body and a written Summary: what the
    reader found as it cleaned them (reader.py), each on its source line."""
    return list(getattr(article, "raw_html_refusals", None) or [])


# --- The cleaning: what reaches readers -------------------------------------------------------------

@lru_cache(maxsize=8)
def cleaner(allow: AllowList) -> nh3.Cleaner:
    """nh3 configured from the same allow-list the walk reads."""
    attributes = {tag: set(names) for tag, names in allow.attributes.items()}
    if allow.style:
        attributes.setdefault("*", set()).add("style")

    def keep(element, attribute, value):
        # Loads from another origin are privacy-external's to report; here they are simply not kept.
        return None if _loads_elsewhere(attribute, value, allow.site_url) else value

    return nh3.Cleaner(tags=set(allow.tags), attributes=attributes, link_rel=None, url_schemes=set(allow.schemes),
                       tag_attribute_values={t: {a: set(v) for a, v in per.items()} for t, per in allow.values.items()},
                       allowed_classes={t: set(c) for t, c in allow.classes.items()},
                       filter_style_properties=set(allow.style) or None, attribute_filter=keep, strip_comments=True)


def clean(html: str, settings) -> str:
    """nh3's result; the input itself where that is the same document (it only writes a non-breaking
    space as `&nbsp;`), so a clean page keeps the bytes every other step and test has seen."""
    if not html:
        return html
    cleaned = _cleaned(allow_list(settings), html)
    return html if same_document(html, cleaned) else cleaned


def same_document(html: str, cleaned: str) -> bool:
    return cleaned == html or cleaned.replace("&nbsp;", "\xa0") == html.replace("&nbsp;", "\xa0")


@lru_cache(maxsize=1024)
def _cleaned(allow: AllowList, html: str) -> str:
    # The rule cleans each body to compare; the cleaning after the rules gets the same result here.
    return cleaner(allow).clean(html)
