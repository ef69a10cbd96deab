"""Who may review an article: a person in PEOPLE whose role is one of REVIEWER_ROLES, never its author.

One answer for every place that names a reviewer: the `Reviewer:` field (rules/editorial.py), a reviewer's
exception to a flagged claim (the allow-claim marker, claims.py) and `invoke new-post` (newpost.py).
Their messages list the people who may review from PEOPLE, so they stay true when the staff changes.
"""

from __future__ import annotations


def authors_of(fields: dict[str, str]) -> list[str]:
    """The author keys an article names: `Author:` and Pelican's `Authors:` (comma-separated)."""
    found = []
    for name in ("author", "authors"):
        found += [key.strip() for key in (fields.get(name) or "").split(",") if key.strip()]
    return found


def _same_person(key: str, other: str, people: dict) -> bool:
    """Two keys for one person (the same name) are the same person: they cannot review themselves."""
    if key == other:
        return True
    name = " ".join(str(people.get(key, {}).get("name", "")).split()).casefold()
    return bool(name) and name == " ".join(str(people.get(other, {}).get("name", "")).split()).casefold()


def may_review(settings) -> list[str]:
    """The keys of PEOPLE whose role may review, in PEOPLE's order."""
    roles = set(settings.get("REVIEWER_ROLES", []))
    return [key for key, person in settings.get("PEOPLE", {}).items() if person.get("role") in roles]


def reviewers_for(settings, authors: list[str]) -> list[str]:
    """Who may review an article by `authors`: the clinicians who did not write it."""
    people = settings.get("PEOPLE", {})
    return [key for key in may_review(settings) if not any(_same_person(key, a, people) for a in authors)]


def choices(settings, authors: list[str]) -> str:
    """The people who may review, for a message: 'example-physician (Example Physician, MD ...), ...'."""
    people = settings.get("PEOPLE", {})
    keys = reviewers_for(settings, authors)
    if not keys:
        roles = " or ".join(f"'{role}'" for role in settings.get("REVIEWER_ROLES", []))
        return f"no one in PEOPLE may review it yet: ask for a person with the role {roles} to be added to PEOPLE"
    return "one of: " + ", ".join(
        f"{key} ({people[key].get('name', key)}, {people[key].get('credentials', '')})".replace(", )", ")")
        for key in keys)


def reviewer_problem(key: str, authors: list[str], settings, what: str = "reviewer") -> tuple[str, str, str] | None:
    """(rule id, what is wrong, how to fix it) when `key` may not review an article by `authors`, else None."""
    people = settings.get("PEOPLE", {})
    fix = f"name a clinician who did not write the article, {choices(settings, authors)}"
    if key not in people:
        return ("person-unknown", f"{what} '{key}' is not a key in PEOPLE",
                fix + "; or ask for the person to be added to PEOPLE in pelicanconf.py")
    author = next((a for a in authors if _same_person(key, a, people)), None)
    if author is not None:
        return ("reviewer-is-author", f"{what} '{key}' is the article's author ('{author}'), "
                                      "and no one can review their own article", fix)
    role = people[key].get("role")
    if role not in settings.get("REVIEWER_ROLES", []):
        return ("reviewer-not-clinician", f"{what} '{key}' ({people[key].get('name', key)}) has the role "
                                          f"'{role or 'none'}', and only a clinician may review (REVIEWER_ROLES)", fix)
    return None
