"""Editorial rules: pure functions from one article (its metadata, facts and source text) to Problems.

Each rule has a stable id, listed in docs/rules.md with why it exists and how to fix it. The rules work
on any article (published or draft); the plugin runs them on published ones.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from urllib.parse import urlsplit

from . import preflight
from .problems import Problem, line_of, relative
from .tree import ELEMENTS, parsed, rel, text

# Markup that makes a browser fetch something: (tag, attribute).
LOADING_ATTRIBUTES = [("img", "src"), ("img", "srcset"), ("script", "src"), ("iframe", "src"), ("link", "href"),
                      ("video", "src"), ("video", "poster"), ("audio", "src"), ("source", "src"),
                      ("source", "srcset"), ("track", "src"), ("object", "data"), ("embed", "src"),
                      ("input", "src")]
# Where CSS fetches something: url(...) and @import "...".
CSS_URL = re.compile(r"(?:url\(\s*['\"]?|@import\s+['\"])((?:https?:)?//[^'\")\s;]+)", re.IGNORECASE)
# A writer allows one flagged phrase on its line, in place, naming the reviewer who approved it:
#   ... is not a cure-all <!-- allow-claim: cure; reviewer: example-physician --> ...
ALLOW_MARKER = re.compile(r"<!--\s*allow-claim:\s*(?P<phrase>[^;>]+?)\s*;\s*reviewer:\s*(?P<reviewer>[\w.-]+)\s*-->",
                          re.IGNORECASE)


def header_fields(source: str) -> dict[str, tuple[str, int]]:
    """The header as preflight reads it (Python-Markdown's meta grammar): lowercase key -> (value, line)."""
    return {key: (value, line) for key, (line, value) in preflight.header(source)[0].items()}


def _field(article, source, name) -> tuple[str, int]:
    """A metadata value as the writer wrote it, with its line; Pelican's own defaults (folder category) don't count."""
    header = header_fields(source)
    if header:
        return header.get(name, ("", 1))
    value = article.metadata.get(name)
    return ("" if value is None else str(value), 1)


def _problem(article, line, rule, message, fix) -> Problem:
    return Problem(relative(article.source_path), line, rule, message, fix)


def check_metadata(article, settings, source) -> list[Problem]:
    # Unparseable dates are preflight.py's date-unparseable: Pelican cannot even read a file with a bad Date.
    problems = []
    for name in settings.get("REQUIRED_METADATA", []):
        value, line = _field(article, source, name)
        if not value:
            problems.append(_problem(article, line, "metadata-missing", f"the '{name.title()}:' field is missing or empty",
                                     f"add a line '{name.title()}: ...' to the header at the top of the file"))
    return problems


def parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def today(settings) -> datetime.date:
    """The build machine's date, unless RULES_TODAY (YYYY-MM-DD) pins it, as tests do."""
    pinned = settings.get("RULES_TODAY")
    return parse_date(str(pinned)) if pinned else datetime.date.today()


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)


def next_review_due(reviewed: datetime.date, settings) -> datetime.date:
    """The one definition of when a review falls due: the byline, this rule and `invoke report` all use it."""
    return add_months(reviewed, settings.get("REVIEW_INTERVAL_MONTHS", 12))


def check_review(article, settings, source) -> list[Problem]:
    value, line = _field(article, source, "last_reviewed")
    reviewed = parse_date(value) if value else None
    if reviewed is None:
        return []  # metadata-missing or metadata-date already says so
    now, months = today(settings), settings.get("REVIEW_INTERVAL_MONTHS", 12)
    if reviewed > now:
        return [_problem(article, line, "review-in-future", f"'Last_reviewed: {value}' is after today ({now})",
                         "set it to the date the reviewer actually signed the article off")]
    due = next_review_due(reviewed, settings)
    if due < now:
        return [_problem(article, line, "review-overdue",
                         f"last reviewed {reviewed}, review was due {due} (every {months} months)",
                         "have the reviewer check the article again, then update 'Last_reviewed:' and 'Modified:'")]
    return []


def check_people(article, settings, source) -> list[Problem]:
    people = settings.get("PEOPLE", {})
    problems = []
    for name in ("author", "reviewer"):
        value, line = _field(article, source, name)
        if value and value not in people:
            problems.append(_problem(article, line, "person-unknown", f"{name} '{value}' is not a key in PEOPLE",
                                     f"use one of: {', '.join(sorted(people))}; or ask for the person to be added to PEOPLE in pelicanconf.py"))
    return problems


def check_category(article, settings, source) -> list[Problem]:
    allowed = settings.get("CATEGORIES", [])
    value, line = _field(article, source, "category")
    if not value or value in allowed:
        return []
    return [_problem(article, line, "category-unknown", f"category '{value}' is not one of the configured categories",
                     f"use one of: {', '.join(allowed)}")]


def check_sources(article, settings, source) -> list[Problem]:
    minimum = settings.get("SOURCES_MIN", 2)
    found = len([s for s in getattr(article, "sources", []) if s])
    if found >= minimum:
        return []
    return [_problem(article, _last_line(source), "sources-min",
                     f"cites {found} source(s) with a link, needs at least {minimum}",
                     "cite sources from the reference list as footnotes: '[^key]' in the text and "
                     "'[^key]: Author. Title. Journal. Year. <https://doi.org/...>' at the end")]


def _last_line(source: str) -> int:
    return max(1, source.rstrip("\n").count("\n") + 1)


@lru_cache(maxsize=4)
def _claim_patterns(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], re.Pattern]:
    """(each phrase case-folded, a phrase as a whole word): the first rules out most articles, since no
    line can hold a phrase that the whole source lacks. Substring tests on the case-folded source took
    a fifteenth of the time of one case-insensitive search for all the phrases (1,000 articles: 0.07 s
    against 1.07 s), and full case folding finds at least what IGNORECASE matches."""
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return (tuple(p.casefold() for p in phrases),
            re.compile(r"(?<![\w-])(" + alternatives + r")(?![\w-])", re.IGNORECASE))


def check_claims(article, settings, source) -> list[Problem]:
    phrases = tuple(settings.get("FLAGGED_CLAIMS", []))
    if not phrases:
        return []
    folded, pattern = _claim_patterns(phrases)
    source_folded = source.casefold()
    if not any(phrase in source_folded for phrase in folded):
        return []
    negations = {word.lower() for word in settings.get("CLAIM_NEGATIONS", [])}
    window = settings.get("CLAIM_NEGATION_WINDOW", 3)
    people = settings.get("PEOPLE", {})
    problems = []
    for number, line in enumerate(source.splitlines(), start=1):
        if re.match(r"^\s*\[\^[^\]]+\]:", line):
            continue  # a footnote cites someone else's title; it is not the clinic's claim
        allowed = [m.group("phrase").lower() for m in ALLOW_MARKER.finditer(line) if m.group("reviewer") in people]
        text = re.sub(r"<?(https?:)?//\S+|\{filename\}\S+|\]\([^)]*\)", " ", ALLOW_MARKER.sub(" ", line))
        for match in pattern.finditer(text):
            phrase = match.group(1).lower()
            if negated(text[:match.start()], negations, window):
                continue
            if phrase in allowed:
                allowed.remove(phrase)
                continue
            problems.append(_problem(article, number, "claim-flagged", f"'{match.group(1)}' is a claim regulators flag in health marketing",
                                     "say what the evidence shows instead, or, if a reviewer approved this exact use, "
                                     f"add '<!-- allow-claim: {phrase}; reviewer: KEY -->' on the same line"))
    return problems


def negated(before: str, negations: set[str], window: int) -> bool:
    """A negation word within `window` words before the phrase, in the same sentence ("there is no cure")."""
    clause = re.split(r"[.!?;:]\s", before)[-1]
    words = re.findall(r"[\w']+", clause.lower().replace("\u2019", "'"))
    return any(word in negations for word in words[-window:]) if window else False


def check_privacy(article, settings, source) -> list[Problem]:
    problems = []
    for url in external_loads(getattr(article, "_content", "") or "", settings.get("SITEURL", "")):
        problems.append(_problem(article, line_of(source, url), "privacy-external", f"the article would load {url} from another origin",
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
    own = urlsplit(site_url).netloc.lower()
    return [url for url in found if re.match(r"^(https?:)?//", url, re.IGNORECASE) and urlsplit(url).netloc.lower() != own]


def check_notice_metadata(article, settings, source) -> list[Problem]:
    pattern = re.compile(settings.get("RULES_NOTICE_METADATA", r"affiliate|notice|disclaimer|disclosure"), re.IGNORECASE)
    return [_problem(article, line, "affiliate-notice-disabled", f"'{name.title()}:' tries to change a required notice",
                     "remove the line; the notices come from settings and an article cannot switch them off")
            for name, (_, line) in header_fields(source).items() if pattern.search(name)]


ARTICLE_RULES = [check_metadata, check_review, check_people, check_category, check_sources, check_claims,
                 check_privacy, check_notice_metadata]
from .content_rules import RULES as SAFETY_RULES  # noqa: E402 - safety rules (issue 10), own module
ARTICLE_RULES += SAFETY_RULES
from .affiliate_rules import RULES as AFFILIATE_RULES  # noqa: E402 - where affiliate links may appear
ARTICLE_RULES += AFFILIATE_RULES


def check_article(article, settings, source: str) -> list[Problem]:
    problems = []
    for rule in ARTICLE_RULES:
        problems.extend(rule(article, settings, source))
    return problems


def strip_allow_markers(html: str) -> str:
    """The allow-claim markers are for reviewers reading the source, not for readers."""
    return ALLOW_MARKER.sub("", html)
