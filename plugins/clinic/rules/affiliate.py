"""Where an affiliate link may appear: the rules on one article or page (same shape as every rule).

An article's title and summary travel without its body: to the home page, category, tag, author and archive
listings and every page of each, to feed entries, related-posts and neighbour links, meta descriptions,
Open Graph, JSON-LD and search excerpts. None of those places can show the affiliate notice next to the
words, so the build refuses an affiliate link or store address there (affiliate-in-summary,
affiliate-in-title) instead of letting it travel without one. In the body, an affiliate link is a plain
text <a> (affiliate-plain-text), and only in an article of AFFILIATE_CATEGORIES (affiliate-category), the
promise the affiliate disclosure page makes to readers. The body itself, on its page and in feed entries,
carries the notice (theme, feed_generated handler) and the audit proves it.
"""

from __future__ import annotations

import html
from urllib.parse import unquote

from markupsafe import Markup
from pelican.contents import Article

from clinic import affiliate
from clinic.problems import Problem, relative
from clinic.source.preflight import header_fields
from clinic.tree import body_of, parsed, text


def _patterns(settings) -> list[str]:
    return settings.get("AFFILIATE_LINK_PATTERNS", [])


def _problem(item, line, rule, message, fix) -> Problem:
    return Problem(relative(item.source_path), line, rule, message, fix)


def _body_start(source: str) -> int:
    """The first line after the header (the line a problem names when nothing better is found)."""
    lines = source.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            return min(number + 1, len(lines)) or 1
    return 1


def line_of_url(source: str, url: str, default: int = 1) -> int:
    """The source line where `url` is written, however it was spelled: plainly, entity- or percent-encoded,
    in another case, or as the `amazon-search:` shorthand the build expanded."""
    lowered = source.lower()
    texts = [lowered, html.unescape(lowered), unquote(html.unescape(lowered))]  # none of them adds or drops a line
    needles = [url.lower(), unquote(url).lower(), html.escape(url).lower()]
    if "amazon-search:" in lowered and "tag=" in url.lower():
        needles.append("amazon-search:")
    for needle in filter(None, needles):
        for body in texts:
            index = body.find(needle)
            if index >= 0:
                return body.count("\n", 0, index) + 1
    return default


def _describe(node, attribute: str, url: str) -> str:
    return f"<{node.tag} {attribute}=\"{url}\">"


def check_affiliate_summary(item, settings, source) -> list[Problem]:
    """The summary as Pelican gives it to listings and feeds: the written Summary:, or, without one, the
    automatic summary from the first words of the body."""
    patterns = _patterns(settings)
    summary = str(getattr(item, "summary", "") or "")
    root = parsed(summary)
    found = [url for _, _, url in affiliate.uses(root, patterns)]
    found += affiliate.addresses_in_text(html.unescape(text(root)), patterns)
    written = header_fields(source).get("summary")
    if written:
        found += affiliate.addresses_in_text(html.unescape(written[0]), patterns)
    if not found:
        return []
    if written:
        return [_problem(item, written[1], "affiliate-in-summary",
                         f"the Summary holds an affiliate link or store address ({found[0]}); a summary is shown on "
                         "listing pages, in feeds and in link previews, where no affiliate notice can stand beside it",
                         "write the Summary as plain sentences with no links or store addresses, and put the link in "
                         "the body, under the notice")]
    return [_problem(item, line_of_url(source, found[0], _body_start(source)), "affiliate-in-summary",
                     f"with no Summary: written, the automatic summary (the first words of the body) holds the affiliate "
                     f"link {found[0]}, and a summary is shown on listing pages and in feeds without the notice",
                     "write a 'Summary:' line of plain sentences, or move the link further down the body")]


def check_affiliate_title(item, settings, source) -> list[Problem]:
    title = html.unescape(Markup(str(getattr(item, "title", "") or "")).striptags())
    found = affiliate.addresses_in_text(title, _patterns(settings))
    if not found:
        return []
    line = header_fields(source).get("title", ("", 1))[1]
    return [_problem(item, line, "affiliate-in-title",
                     f"the Title holds a store address ({found[0]}); titles travel to listings, feeds, related-article "
                     "and neighbour links and link previews, where no affiliate notice stands beside them",
                     "name the kind of product in words; put the link in the body, under the notice")]


def check_affiliate_text(item, settings, source) -> list[Problem]:
    """A store address shown as text in the body (an autolink, a link whose words are the address, a URL typed
    out): search excerpts (Pagefind), FAQ answers in search results (JSON-LD) and feed readers show the
    words without the link's rel or the notice beside them."""
    words = html.unescape(text(parsed(body_of(item))))
    return [_problem(item, line_of_url(source, url, _body_start(source)), "affiliate-address-text",
                     f"the body shows the store address {url} as text; search results, FAQ answers in search "
                     "engines and feed readers show it without the affiliate notice",
                     "give the link words of its own, e.g. [search Amazon for TENS units](amazon-search:tens+unit), "
                     "and do not write store addresses out")
            for url in dict.fromkeys(affiliate.addresses_in_text(words, _patterns(settings)))]


def check_affiliate_body(item, settings, source) -> list[Problem]:
    """Plain text links only, and only in an article of AFFILIATE_CATEGORIES."""
    patterns = _patterns(settings)
    root = parsed(body_of(item))
    uses = affiliate.uses(root, patterns)
    problems = []
    for node, attribute, url in uses:
        line = line_of_url(source, url, _body_start(source))
        if not affiliate.is_link(node, attribute):
            problems.append(_problem(item, line, "affiliate-plain-text",
                                     f"{_describe(node, attribute, url)} points at the store; only a plain text link "
                                     "may, since images, buttons, forms, image maps, frames and prefetches load from the "
                                     "store or hide that a link is paid",
                                     "write a plain Markdown link such as [search Amazon for TENS units](amazon-search:tens+unit)"))
            continue
        inside = next(node.iter(*affiliate.NOT_PLAIN), None)
        if inside is not None:
            problems.append(_problem(item, line, "affiliate-plain-text",
                                     f"the affiliate link {url} wraps an <{inside.tag}>",
                                     "make the link plain text; no store images, buttons or widgets"))
    allowed = settings.get("AFFILIATE_CATEGORIES")
    if uses and allowed is not None:
        category = getattr(getattr(item, "category", None), "name", None) if isinstance(item, Article) else None
        if category not in allowed:
            url = uses[0][2]
            where = f"an article in '{category}'" if category else "a page"
            problems.append(_problem(item, line_of_url(source, url, _body_start(source)), "affiliate-category",
                                     f"{where} has the affiliate link {url}; affiliate links appear only in articles "
                                     f"in {', '.join(allowed)} (AFFILIATE_CATEGORIES), as the affiliate disclosure "
                                     "page tells readers",
                                     "remove the link, or move the product advice to an article in "
                                     + " or ".join(allowed)))
    return problems


RULES = [check_affiliate_summary, check_affiliate_title, check_affiliate_text, check_affiliate_body]


def check_page(page, settings) -> list[Problem]:
    """The same rules on a static page (About, Contact, ...)."""
    with open(page.source_path, encoding="utf-8") as handle:
        source = handle.read()
    return [problem for rule in RULES for problem in rule(page, settings, source)]
