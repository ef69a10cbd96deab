"""The writers' guide's own rules (docs/writing.md), enforced in the guide's words.

Same shape as every rule, (article, settings, source) -> [Problem], listed in rules/__init__.py:
length, tags, title, summary, the order of the dates, headings, US spelling, link text and no
"Sources" heading. Each id has a row in docs/rules.md.
`check_page` gives pages the rules that fit them: date order, review date, spelling, link text.
"""

from __future__ import annotations

import re

from clinic.source import preflight
from clinic.source.dates import parse_date, today
from clinic.problems import Problem, relative
from clinic.tree import body_of, parsed

WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
FOOTNOTE_RE = re.compile(r"^\s*\[\^[^\]]+\]:")
SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
# What a reader does not see as the article's prose: link targets, URLs, code, HTML comments, attribute lists.
NOT_PROSE = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+|\{(?:filename|static|attach)\}\S+|`[^`]*`"
                       r"|<!--.*?-->|\{:[^}]*\}|</?[a-zA-Z][^>]*>")


def words(text: str) -> list[str]:
    """Words as the library counts them (tests/textmatch.py counts the same way)."""
    return WORD_RE.findall(text.lower().replace("\u2019", "'").replace("\u2018", "'"))


def _problem(article, line, rule, message, fix) -> Problem:
    return Problem(relative(article.source_path), line, rule, message, fix)


def _header(source: str) -> dict[str, tuple[int, str]]:
    return preflight.header(source)[0]


def _body_lines(source: str) -> list[tuple[int, str]]:
    """(line number, text) of the body: after the header, without the footnotes' reference lines."""
    end = preflight.body_start(source)
    lines = source.splitlines()
    start = end if end is not None else len(lines)
    return [(number, line) for number, line in enumerate(lines[start:], start=start + 1)
            if not FOOTNOTE_RE.match(line)]


def check_length(article, settings, source) -> list[Problem]:
    low, high = settings.get("ARTICLE_WORDS_MIN", 700), settings.get("ARTICLE_WORDS_MAX", 1500)
    body = _body_lines(source)
    counted, line_past_limit = 0, None
    for number, line in body:
        counted += len(words(NOT_PROSE.sub(" ", line)))
        if line_past_limit is None and counted > high:
            line_past_limit = number
    span = f"an article is {low:,} to {high:,} words (the sources at the end, links' addresses and markup do not count)"
    if counted < low:
        last = max([n for n, line in body if line.strip()] or [1])
        return [_problem(article, last, "article-length", f"the article is {counted:,} words long; {span}",
                         f"write about {low - counted:,} more words, or make it part of a related article")]
    if counted > high:
        return [_problem(article, line_past_limit, "article-length",
                         f"the article is {counted:,} words long, {high:,} are reached on this line; {span}",
                         f"cut about {counted - high:,} words, or split it into two articles that link to each other")]
    return []


def check_tags(article, settings, source) -> list[Problem]:
    low, high = settings.get("TAGS_MIN", 2), settings.get("TAGS_MAX", 4)
    line, value = _header(source).get("tags", (1, ""))
    if isinstance(value, list):  # YAML front matter: one tag per '- item'
        value = ", ".join(value)
    if not value.strip():
        return []  # metadata-missing says so
    tags = [t.strip() for t in value.split(",")]
    problems = []
    if any(not t for t in tags):
        problems.append(_problem(article, line, "tags-format", f"'Tags: {value}' has an empty tag between commas",
                                 "write 2 to 4 lowercase tags separated by single commas, e.g. 'Tags: sleep, evidence'"))
    tags = [t for t in tags if t]
    if not low <= len(tags) <= high:
        problems.append(_problem(article, line, "tags-format", f"'Tags:' has {len(tags)} tag(s); write {low} to {high}",
                                 "write 2 to 4 lowercase tags separated by commas, reusing existing ones"))
    upper = [t for t in tags if t != t.lower()]
    if upper:
        problems.append(_problem(article, line, "tags-format", f"tags are lowercase: {', '.join(upper)}",
                                 f"write them as {', '.join(t.lower() for t in upper)}"))
    return problems


def check_title(article, settings, source) -> list[Problem]:
    line, value = _header(source).get("title", (1, ""))
    if value.rstrip().endswith(".") and not value.rstrip().endswith("..."):
        return [_problem(article, line, "title-full-stop", f"'Title: {value}' ends with a full stop",
                         "delete the full stop at the end; a title has none")]
    return []


def check_summary(article, settings, source) -> list[Problem]:
    line, value = _header(source).get("summary", (1, ""))
    most = settings.get("SUMMARY_SENTENCES_MAX", 2)
    sentences = [s for s in SENTENCE_END.split(value.strip()) if s]
    if len(sentences) > most:
        return [_problem(article, line, "summary-length", f"'Summary:' has {len(sentences)} sentences; it is one or two",
                         "keep the one or two sentences that say what the reader will learn")]
    return []


def check_date_order(item, settings, source) -> list[Problem]:
    header = _header(source)
    (_, date_text), (line, modified_text) = header.get("date", (1, "")), header.get("modified", (1, ""))
    reviewed_line, reviewed_text = header.get("last_reviewed", (1, ""))
    date, modified, reviewed = parse_date(date_text), parse_date(modified_text), parse_date(reviewed_text)
    problems = []
    if date and modified and modified < date:
        problems.append(_problem(item, line, "date-order", f"'Modified: {modified}' is before 'Date: {date}'",
                                 "Modified is never before Date: set Modified to the day of the last real change, "
                                 "on or after the day of first publication"))
    if reviewed and modified and reviewed > modified:
        problems.append(_problem(item, reviewed_line, "date-order",
                                 f"'Last_reviewed: {reviewed}' is after 'Modified: {modified}'",
                                 "when the reviewer signs off, set Modified to that day too: "
                                 "Last_reviewed is never after Modified"))
    return problems


H1_SOURCE = re.compile(r"^ {0,3}#(?!#)|<h1[\s>]", re.IGNORECASE)
SETEXT_H1 = re.compile(r"^ {0,3}=+\s*$")


def _h1_lines(source: str) -> list[int]:
    """The lines that start a top-level heading, however it is written: `# x`, `x` over `===`, `<h1>`."""
    lines = _body_lines(source)
    found = []
    for index, (number, line) in enumerate(lines):
        following = lines[index + 1][1] if index + 1 < len(lines) else ""
        if H1_SOURCE.search(line) or (line.strip() and SETEXT_H1.match(following)):
            found.append(number)
    return found


def check_headings(article, settings, source) -> list[Problem]:
    headings = list(parsed(body_of(article)).iter("h1"))
    lines = _h1_lines(source)
    problems = []
    for index, heading in enumerate(headings):
        text = " ".join("".join(heading.itertext()).split())
        line = lines[index] if index < len(lines) else 1
        problems.append(_problem(article, line, "heading-level", f"'{text}' is a top-level (#) heading",
                                 "use ## for sections and ### for subsections; the title is the page's only top heading"))
    return problems


def check_page(page, settings) -> list[Problem]:
    """Pages: Modified not before Date, no review dated after today, and US spelling."""
    with open(page.source_path, encoding="utf-8") as handle:
        source = handle.read()
    problems = (check_date_order(page, settings, source) + check_spelling(page, settings, source)
                + check_link_text(page, settings, source))
    line, value = _header(source).get("last_reviewed", (1, ""))
    reviewed, now = parse_date(value), today(settings)
    if reviewed and reviewed > now:
        problems.append(_problem(page, line, "review-in-future", f"'Last_reviewed: {value}' is after today ({now})",
                                 "set it to the date the reviewer actually signed the page off"))
    return problems


SHOWN_FIELDS = ("title", "summary", "tags")


def _by_pattern(word: str, patterns: dict[str, str]) -> str | None:
    us = word
    for british, american in patterns.items():
        us = us.replace(british, american)
    return us if us != word else None


def check_spelling(article, settings, source) -> list[Problem]:
    """The guide: "US spelling". Each word breame lists as British, on the line it is on."""
    from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

    allowed = {word.lower() for word in settings.get("US_SPELLING_ALLOWED", [])}
    patterns = settings.get("BRITISH_SPELLING_PATTERNS", {})
    shown = preflight.continued(source)  # a YAML list's items each on their own line
    lines = [item for name in SHOWN_FIELDS for item in shown.get(name, [])] + _body_lines(source)
    problems = []
    american: dict[str, str | None] = {}  # an article uses each word many times: judge each once
    for number, line in lines:
        for word in re.findall(r"[A-Za-z]+", NOT_PROSE.sub(" ", line)):
            lower = word.lower()
            if lower not in american:
                american[lower] = None if lower in allowed else (BRITISH_ENGLISH_SPELLINGS.get(lower)
                                                                 or _by_pattern(lower, patterns))
            us = american[lower]
            if us:
                problems.append(_problem(article, number, "spelling-us", f"'{word}' is British spelling",
                                         f"write '{us}' (the site uses US spelling)"))
    return problems


def _words_of(node) -> str:
    return " ".join(re.findall(r"[\w']+", "".join(node.itertext()).lower().replace("\u2019", "'")))


def check_link_text(article, settings, source) -> list[Problem]:
    """The guide: "Link text says where it goes (never 'click here')"."""
    vague = {" ".join(re.findall(r"[\w']+", phrase.lower())) for phrase in settings.get("VAGUE_LINK_TEXT", [])}
    problems = []
    for link in parsed(body_of(article)).iter("a"):
        text = " ".join("".join(link.itertext()).split())
        if _words_of(link) in vague:
            line = next((n for n, body in _body_lines(source) if f"[{text}]" in body or f">{text}<" in body), 1)
            problems.append(_problem(article, line, "link-text", f"the link text '{text}' does not say where it goes",
                                     "write what the reader will find there, e.g. "
                                     "'[how ketamine acts on pain]({filename}how-ketamine-acts-on-pain.md)'"))
    return problems


def check_sources_heading(article, settings, source) -> list[Problem]:
    """The guide: "Do not add a 'Sources' heading": the page shows the footnotes as its sources list."""
    names = {name.lower() for name in settings.get("SOURCES_HEADINGS", [])}
    problems = []
    for heading in parsed(body_of(article)).iter("h2", "h3", "h4", "h5", "h6"):
        text = " ".join("".join(heading.itertext()).split())  # typogrify joins the last two words with a no-break space
        if _words_of(heading) in names:
            line = next((n for n, body in _body_lines(source) if " ".join(body.lstrip("#= ").split()).startswith(text)), 1)
            problems.append(_problem(article, line, "sources-heading", f"'{text}' heads a list of sources",
                                     "delete the heading (and any list under it): cite as footnotes, and the page "
                                     "shows them as its numbered sources list"))
    return problems


RULES = [check_length, check_tags, check_title, check_summary, check_date_order, check_headings, check_spelling,
         check_link_text, check_sources_heading]
