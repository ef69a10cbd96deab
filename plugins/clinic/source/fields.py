"""Header fields a writer may use, and the ones Pelican would quietly ignore.

Pelican keeps any `Key: value` it reads and uses only the names it knows: `Last-reviewed:`, `Catagory:`
or `Tag:` would build without a word and the page would lack the review date, the category or the
tags. So every field must be one the site knows for its kind of source (ARTICLE_FIELDS, PAGE_FIELDS),
written once; a `Status:` must be one the site uses; and a known field written after the header's blank
line (where it becomes body text on the page) is named too.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from clinic.problems import Problem

FIELD_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_ -]+?)\s*:\s*(?P<value>.*)$")


def spelled(key: str) -> str:
    """A field as the guide writes it: `Last_reviewed`, `Title`."""
    return key[:1].upper() + key[1:].lower()


def _normal(key: str) -> str:
    return re.sub(r"[\s-]+", "_", key.strip().lower())


def known_fields(kind: str, settings: dict) -> list[str]:
    return list(settings.get("ARTICLE_FIELDS" if kind == "article" else "PAGE_FIELDS", []))


def nearest(key: str, known: list[str]) -> str | None:
    normal = _normal(key)
    if normal in known:
        return normal
    singular = {k.rstrip("s"): k for k in known}
    if normal.rstrip("s") in singular:  # Tag / Tags, Categories / Category
        return singular[normal.rstrip("s")]
    close = difflib.get_close_matches(normal, known, n=1, cutoff=0.6)
    return close[0] if close else None


def _exactly(key: str, known: list[str]) -> str | None:
    """A known field however it is cased or joined (`Last reviewed`), but not a guess at a misspelling."""
    normal = _normal(key)
    return normal if normal in known else None


def check(shown: str, kind: str, entries: list[tuple[int, str, str]], body_start: int | None,
          lines: list[str], settings: dict) -> list[Problem]:
    """Problems with the header fields of one source: `entries` are (line, lowercase key, value)."""
    known = known_fields(kind, settings)
    if not known:
        return []
    # Articles have their own, clearer rule for a field that tries to switch a notice off.
    notices = re.compile(settings.get("RULES_NOTICE_METADATA", r"$^"), re.IGNORECASE) if kind == "article" else None
    problems, seen = [], {}
    for line, key, value in entries:
        if key in known:
            if key in seen:
                problems.append(Problem(shown, line, "metadata-duplicate",
                                        f"'{spelled(key)}:' is written twice (first on line {seen[key]})",
                                        "keep one of the two lines; Pelican would use only one of them"))
            seen.setdefault(key, line)
            problems += _check_status(shown, kind, line, key, value, settings)
            problems += _check_template(shown, line, key, value, settings)
            continue
        if notices is not None and notices.search(key):
            continue
        written = FIELD_RE.match(lines[line - 1])
        problems.append(_unknown(shown, line, written["key"] if written else key, known))
    problems += _fields_after_header(shown, body_start, lines, known)
    return problems


def _unknown(shown: str, line: int, key: str, known: list[str]) -> Problem:
    guess = nearest(key, known)
    fields = ", ".join(spelled(k) + ":" for k in known)
    hint = f"did you mean '{spelled(guess)}:'? " if guess is not None else ""
    return Problem(shown, line, "metadata-unknown", f"'{key}:' is not a field the site reads (Pelican would ignore it)",
                   f"{hint}the fields are {fields} (docs/writing.md, section 2); correct the name or delete the line")


def _check_status(shown: str, kind: str, line: int, key: str, value: str, settings: dict) -> list[Problem]:
    if key != "status":
        return []
    allowed = settings.get("STATUS_VALUES", {}).get(kind, ["draft"])
    if value.strip().lower() in allowed:
        return []
    guess = difflib.get_close_matches(value.strip().lower(), allowed, n=1, cutoff=0.5)
    hint = f"did you mean 'Status: {guess[0]}'? " if guess else ""
    return [Problem(shown, line, "status-unknown", f"'Status: {value}' is not a status the site uses",
                    f"{hint}write 'Status: {allowed[0]}'" + (f" (or {', '.join(allowed[1:])})" if allowed[1:] else "")
                    + ", or delete the line to publish")]


def _check_template(shown: str, line: int, key: str, value: str, settings: dict) -> list[Problem]:
    """`Template:` names a template of the theme; a misspelt one would stop Pelican with no file named."""
    if key != "template" or not value.strip():
        return []
    folders = [Path(settings.get("THEME", "theme")) / "templates", *map(Path, settings.get("THEME_TEMPLATES_OVERRIDES", []))]
    names = sorted({p.stem for folder in folders if folder.is_dir() for p in folder.glob("*.html")})
    if value.strip() in names:
        return []
    guess = difflib.get_close_matches(value.strip(), names, n=1, cutoff=0.6)
    hint = f"did you mean 'Template: {guess[0]}'? " if guess else ""
    return [Problem(shown, line, "template-unknown", f"'Template: {value}' is not a template of the theme",
                    f"{hint}use one of {', '.join(names)}, or delete the line for the usual page layout")]


def _fields_after_header(shown: str, body_start: int | None, lines: list[str], known: list[str]) -> list[Problem]:
    """Known fields in the first paragraph after the header: a blank line ended the header above them."""
    if body_start is None:
        return []
    index = body_start - 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    problems = []
    while index < len(lines) and lines[index].strip():
        match = FIELD_RE.match(lines[index])
        guess = _exactly(match["key"], known) if match else None
        if guess is None:
            break
        problems.append(Problem(shown, index + 1, "metadata-malformed",
                                f"'{match['key']}:' comes after the blank line that ends the header, so it would show as text",
                                f"move the line up into the header, as '{spelled(guess)}: ...', with no blank line above it"))
        index += 1
    return problems
