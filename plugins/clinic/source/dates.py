"""Dates as writers write them, and "today" at the clinic: the one parser and the one clock.

A header date is exactly `YYYY-MM-DD`, a real day of the calendar. Anything else is refused, never
guessed: `03/04/2026` is March in one country and April in another, `2026-3-4` and `20260304` are what
a tool might have meant, and a time or a zone would move the day a post appears. Empty is not a date.
Today is the date in the clinic's TIMEZONE (a UTC date can be tomorrow there), unless RULES_TODAY pins
it, as the tests do.
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only: \d also matches "２０２６"
# The header fields that hold a date, as Python-Markdown lowercases them, and as the guide spells them.
DATE_FIELDS = {"date": "Date", "modified": "Modified", "last_reviewed": "Last_reviewed"}


def parse_date(value) -> datetime.date | None:
    """The day `value` names when it is exactly YYYY-MM-DD and a real date; otherwise None."""
    text = str(value if value is not None else "").strip()
    if not ISO_DAY.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def why_not_a_date(value: str) -> str | None:
    """What is wrong with `value` as a header date, in the writer's terms; None when it is one."""
    text = value.strip()
    if not text:
        return "is empty"
    if parse_date(text):
        return None
    if ISO_DAY.fullmatch(text):
        return f"'{text}' is not a day of the calendar"
    if ISO_DAY.match(text):
        return f"'{text}' has more than the day (no times or time zones)"
    return f"'{text}' is not written YYYY-MM-DD"


def clinic_today(settings: dict, now: datetime.datetime | None = None) -> datetime.date:
    """Today in the site's time zone."""
    zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    return (now or datetime.datetime.now(datetime.UTC)).astimezone(zone).date()


def today(settings: dict) -> datetime.date:
    """The one "today" of the build: RULES_TODAY (YYYY-MM-DD) when pinned, else today at the clinic."""
    pinned = settings.get("RULES_TODAY")
    if pinned:
        day = parse_date(pinned)
        if day is None:
            raise ValueError(f"RULES_TODAY {pinned!r} is not YYYY-MM-DD")
        return day
    return clinic_today(settings)


def scheduled_for(instance, settings: dict) -> datetime.date | None:
    """The day a post dated after today is scheduled for; None when it is due (or has no date)."""
    date = getattr(instance, "date", None)
    if not isinstance(date, datetime.date):
        return None
    day = date.date() if isinstance(date, datetime.datetime) else date
    return day if day > today(settings) else None
