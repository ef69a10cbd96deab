"""Editorial rules: pure functions from one article (its metadata, facts and source text) to Problems.

Each rule has a stable id, listed in docs/rules.md with why it exists and how to fix it. The rules work
on any article (published or draft); the plugin runs them on published ones.
"""

from __future__ import annotations

import datetime
import re

from clinic.rules import claims
from clinic.source import people, preflight
from clinic.source.dates import parse_date, today
from clinic.source.fields import spelled
from clinic.problems import Problem, line_of, relative

def _field(article, source, name) -> tuple[str, int]:
    """A metadata value as the writer wrote it, with its line; Pelican's own defaults (folder category) don't count."""
    header = preflight.header_fields(source)
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
            problems.append(_problem(article, line, "metadata-missing", f"the '{spelled(name)}:' field is missing or empty",
                                     f"fill it in in the editor, or add a line '{spelled(name)}: ...' to the header at the top of the file"))
    return problems


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
        return [_problem(article, line, "review-in-future", f"'last_reviewed: {value}' is after today ({now})",
                         "set it to the date the reviewer actually signed the article off")]
    due = next_review_due(reviewed, settings)
    if due < now:
        return [_problem(article, line, "review-overdue",
                         f"last reviewed {reviewed}, review was due {due} (every {months} months)",
                         "have the reviewer check the article again, then update 'last_reviewed:' and 'modified:'")]
    return []


def check_people(article, settings, source) -> list[Problem]:
    people_keys = settings.get("PEOPLE", {})
    problems = []
    value, line = _field(article, source, "author")
    if value and value not in people_keys:
        problems.append(_problem(article, line, "person-unknown", f"author '{value}' is not a key in PEOPLE",
                                 f"use one of: {', '.join(sorted(people_keys))}; or ask for the person to be added to PEOPLE in pelicanconf.py"))
    authors = article_authors(article, source)
    reviewers = _person_lines(source, "reviewer") or [_field(article, source, "reviewer")[::-1]]
    for line, value in reviewers:
        found = people.reviewer_problem(value, authors, settings) if value else None
        if found:
            problems.append(_problem(article, line, *found))
    for name in ("author", "reviewer"):
        given = _person_lines(source, name)
        if len(given) > 1:  # Pelican would keep a list, or only the first, and the byline could not name them
            lines = ", ".join(str(number) for number, _ in given)
            fix = f"keep one '{name.title()}:' line"
            if name == "reviewer":
                fix += f" naming a clinician who did not write the article, {people.choices(settings, authors)}"
            problems.append(_problem(article, given[1][0], "person-duplicate",
                                     f"'{name.title()}:' names {len(given)} people (lines {lines}); an article has one", fix))
    return problems


def _person_lines(source: str, name: str) -> list[tuple[int, str]]:
    """(line, value) of each `name:` header line and each continuation line under it (in YAML, each item
    of a list; YAML refuses a key written twice in preflight)."""
    if preflight.is_yaml(source):
        return preflight.continued(source).get(name, [])
    found, key = [], None
    for number, line in enumerate(source.splitlines(), start=1):
        if not line.strip():
            break
        match = preflight.META_RE.match(line)
        if match:
            key = match["key"].lower()
            if key == name:
                found.append((number, match["value"].strip()))
        elif key == name and preflight.META_MORE_RE.match(line):
            found.append((number, line.strip()))
    return found


def article_authors(article, source) -> list[str]:
    """The author keys as the writer wrote them (Author: and Authors:)."""
    return people.authors_of({name: _field(article, source, name)[0] for name in ("author", "authors")})


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


def check_claims(article, settings, source) -> list[Problem]:
    """claim-flagged (claims.py), with the authors an allow marker's reviewer may not be."""
    return claims.check(article, settings, source, article_authors(article, source))


def check_notice_metadata(article, settings, source) -> list[Problem]:
    pattern = re.compile(settings.get("RULES_NOTICE_METADATA", r"affiliate|notice|disclaimer|disclosure"), re.IGNORECASE)
    return [_problem(article, line, "affiliate-notice-disabled", f"'{name}:' tries to change a required notice",
                     "remove the line; the notices come from settings and an article cannot switch them off")
            for name, (_, line) in preflight.header_fields(source).items() if pattern.search(name)]


RULES = [check_metadata, check_review, check_people, check_category, check_sources, check_claims,
         check_notice_metadata]
