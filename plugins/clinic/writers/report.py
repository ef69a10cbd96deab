"""The editorial report: every article with its reviewer, last review and next review due, oldest first.

Reads the Markdown headers directly (no build needed), so it also lists drafts and articles the build
would reject. Pure functions below; `invoke report` prints `format_report(review_rows(...))`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from clinic.writers.newpost import header_of
from clinic.problems import relative
from clinic.source.dates import parse_date
from clinic.rules.editorial import next_review_due

OVERDUE, DUE_SOON, NOT_REVIEWED = "OVERDUE", "due soon", "NOT REVIEWED"


@dataclass(frozen=True)
class Row:
    path: str
    title: str
    reviewer: str
    last_reviewed: datetime.date | None
    next_due: datetime.date | None
    flag: str
    draft: bool
    scheduled: datetime.date | None = None  # its Date, when that is after today: published on that day


def flag_for(next_due: datetime.date | None, today: datetime.date, soon_days: int) -> str:
    if next_due is None:
        return NOT_REVIEWED
    if next_due < today:
        return OVERDUE
    if next_due <= today + datetime.timedelta(days=soon_days):
        return DUE_SOON
    return ""


def review_rows(sources: dict[str, str], settings: dict, today: datetime.date) -> list[Row]:
    """One row per article source (path -> Markdown text), never-reviewed first, then oldest review first."""
    soon = settings.get("REVIEW_DUE_SOON_DAYS", 30)
    rows = []
    for path, text in sources.items():
        header = header_of(text)
        reviewed = parse_date(header.get("last_reviewed", ""))
        due = next_review_due(reviewed, settings) if reviewed else None
        dated = parse_date(header.get("date", ""))
        rows.append(Row(path, header.get("title", ""), header.get("reviewer", ""), reviewed, due,
                        flag_for(due, today, soon), header.get("status", "").lower() == "draft",
                        dated if dated and dated > today else None))
    return sorted(rows, key=lambda r: (r.last_reviewed is not None, r.last_reviewed or datetime.date.min, r.path))


def read_sources(articles_dir: Path) -> dict[str, str]:
    return {relative(str(p)): p.read_text(encoding="utf-8") for p in sorted(Path(articles_dir).glob("*.md"))}


def format_report(rows: list[Row], settings: dict, today: datetime.date) -> str:
    people = settings.get("PEOPLE", {})
    soon = settings.get("REVIEW_DUE_SOON_DAYS", 30)
    lines = [f"Editorial review report for {today} (review every {settings.get('REVIEW_INTERVAL_MONTHS', 12)} "
             f"months; 'due soon' = within {soon} days)", ""]
    header = ("flag", "next due", "last reviewed", "reviewer", "article")
    table = [header]
    for row in rows:
        person = people.get(row.reviewer, {}).get("name")
        reviewer = f"{person} ({row.reviewer})" if person else (row.reviewer or "-")
        state = " (draft)" if row.draft else f" (scheduled for {row.scheduled})" if row.scheduled else ""
        table.append(((row.flag + state).strip(), str(row.next_due or "-"),
                      str(row.last_reviewed or "-"), reviewer, f"{row.path}  {row.title}"))
    widths = [max(len(r[i]) for r in table) for i in range(len(header) - 1)]
    for r in table:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(r, widths)) + "  " + r[-1])
    counts = {flag: sum(row.flag == flag for row in rows) for flag in (OVERDUE, DUE_SOON, NOT_REVIEWED)}
    scheduled = sorted((row.scheduled, row.path) for row in rows if row.scheduled and not row.draft)
    lines += ["", f"{len(rows)} article(s): {counts[OVERDUE]} overdue, {counts[DUE_SOON]} due soon, "
                  f"{counts[NOT_REVIEWED]} not reviewed, {len(scheduled)} scheduled"]
    lines += [f"Scheduled: {path} is published on {day} (not before)" for day, path in scheduled]
    return "\n".join(lines)


def reading_report(paths: list[str], settings: dict, hardest: int = 3) -> str:
    """Each article's reading level by the build's own measure (clinic.rules.readability): grade, words per
    sentence and its hardest sentences, the hardest article first."""
    from clinic.source import glossary
    from clinic.rules import readability

    limit = float(settings.get("READING_GRADE_MAX", 8.0))
    terms = glossary.entries(settings)
    rendered = [(readability.render(path, settings), path) for path in paths]
    measured = [(readability.measure_html(html, terms, hardest), readability.measure_html(html, [], 0), path)
                for html, path in rendered]
    lines = [f"Reading level (Flesch-Kincaid grade of the body prose; limit {limit:.1f}; glossary terms count as "
             "one short word)", ""]
    for result, in_full, path in sorted(measured, key=lambda row: -row[0].grade):
        lines.append(readability.describe(relative(path), result, limit, in_full))
    return "\n".join(lines)
