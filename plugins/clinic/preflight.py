"""Checks on the Markdown sources that must run before Pelican reads them.

Pelican reports an undecodable file, an empty file or a bad date as "Could not process" with no reason
and no line, and a header line without a colon silently ends the header (the fields after it become
body text). Reading the raw files first gives each of these its own rule id and line.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

from .dates import DATE_FIELDS, why_not_a_date
from .fields import check as fields_check
from .problems import Problem, relative

# The header grammar of Python-Markdown's meta extension, which Pelican's Markdown reader uses.
META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
META_MORE_RE = re.compile(r"^[ ]{4,}(?P<value>.*)")
FENCE_RE = re.compile(r"^(-{3}|\.{3})(\s.*)?$")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")


def sources(settings: dict) -> dict[str, list[Path]]:
    """The Markdown files Pelican will read, by kind ("article" or "page"), in a stable order. Names
    that IGNORE_FILES matches Pelican skips: placement.py names those, with what to do."""
    root = Path(settings["PATH"])
    ignores = settings.get("IGNORE_FILES", [])

    def read(path: Path) -> bool:
        return path.is_file() and path.suffix in MARKDOWN_SUFFIXES and not any(
            fnmatch.fnmatch(part, pattern) for part in path.relative_to(root).parts for pattern in ignores)

    found: dict[str, list[Path]] = {}
    for kind, key in (("article", "ARTICLE_PATHS"), ("page", "PAGE_PATHS")):
        files = set()
        for sub in settings.get(key, []):
            base = root / sub
            if base.is_file():
                files.add(base)
            elif base.is_dir():
                files |= {p for p in base.rglob("*") if read(p)}
        found[kind] = sorted(files)
    return found


def header(text: str) -> tuple[dict[str, tuple[int, str]], list[tuple[int, str]]]:
    """The header fields as {key: (line, value)}, and the lines that break the header grammar."""
    entries, broken, _end = header_entries(text)
    fields: dict[str, tuple[int, str]] = {}
    for number, key, value in entries:
        fields.setdefault(key, (number, value))  # Pelican uses the first of two, and metadata-duplicate names it
    return fields, broken


def header_entries(text: str) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]], int | None]:
    """Every header field in order as (line, lowercase key, value), the lines that break the grammar,
    and the line of the blank line that ends the header (None when the file is all header)."""
    lines = text.splitlines()
    entries: list[tuple[int, str, str]] = []
    broken: list[tuple[int, str]] = []
    start = 1 if lines and lines[0].startswith("---") else 0
    key = None
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line.strip() or FENCE_RE.match(line):
            return entries, broken, number
        match = META_RE.match(line)
        if match:
            key = match["key"].lower()
            entries.append((number, key, match["value"].strip()))
        elif key and META_MORE_RE.match(line):
            # Python-Markdown reads an indented line as more of the field above ("Date: 2026-03-04" then
            # "    10:00"); kept in its value, so a date that goes on is no longer a date.
            number_, key_, value = entries[-1]
            entries[-1] = (number_, key_, f"{value} {META_MORE_RE.match(line)['value'].strip()}".strip())
        else:
            broken.append((number, line))
    return entries, broken, None


def continued(text: str) -> dict[str, list[tuple[int, str]]]:
    """Each header field's lines as {key: [(line, value), ...]}: its first line, then any continuation
    lines (indented four spaces), which Pelican's Markdown reader makes into a list."""
    lines = text.splitlines()
    found: dict[str, list[tuple[int, str]]] = {}
    start = 1 if lines and lines[0].startswith("---") else 0
    key = None
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line.strip() or FENCE_RE.match(line):
            break
        match = META_RE.match(line)
        if match:
            key = match["key"].lower()
            found[key] = [(number, match["value"].strip())]
        elif key and META_MORE_RE.match(line):
            found[key].append((number, META_MORE_RE.match(line)["value"].strip()))
    return found


def check_file(path: Path, kind: str = "article", settings: dict | None = None) -> tuple[list[Problem], dict | None]:
    """Problems in one source file, and its header fields when it could be read."""
    shown = relative(str(path))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return [Problem(shown, line, "file-encoding",
                        f"byte 0x{raw[error.start]:02x} is not UTF-8 (the file was saved in another encoding)",
                        "save the file as UTF-8 in your editor (File > Save with encoding > UTF-8)")], None
    if not text.strip():
        return [Problem(shown, 1, "file-empty", "the file is empty",
                        "write the article, with its header, or delete the file")], None
    entries, broken, end = header_entries(text)
    fields, _ = header(text)
    problems = [
        Problem(shown, number, "metadata-malformed", f"header line {line.strip()!r} is not 'Key: value'",
                "write each header line as 'Key: value' (a colon after the key), with no blank line inside the header")
        for number, line in broken
    ]
    problems += check_dates(shown, entries)
    problems += fields_check(shown, kind, entries, end, text.splitlines(), settings or {})
    problems += _needed_to_read(shown, kind, fields)
    return problems, fields


def _needed_to_read(shown: str, kind: str, fields: dict) -> list[Problem]:
    """Pelican skips a source without a title, or an article without a date (a draft may have none),
    with a warning that names no line: say which field, where the header starts."""
    needed = ["title"] + (["date"] if kind == "article" and fields.get("status", (0, ""))[1].lower() != "draft" else [])
    return [Problem(shown, 1, "metadata-missing", f"the '{name.capitalize()}:' field is missing",
                    f"add a line '{name.capitalize()}: ...' to the header at the top of the file")
            for name in needed if name not in fields]


def check_dates(shown: str, entries: list[tuple[int, str, str]]) -> list[Problem]:
    """Every date field exactly YYYY-MM-DD; an empty Last_reviewed means "not reviewed yet" and is the
    review rules' (metadata-missing), not a spelling."""
    problems = []
    for line, key, value in entries:
        if key not in DATE_FIELDS or (key == "last_reviewed" and not value.strip()):
            continue
        wrong = why_not_a_date(value)
        if wrong:
            name = DATE_FIELDS[key]
            problems.append(Problem(shown, line, "date-unparseable", f"{name}: {wrong}",
                                    f"write the date as YYYY-MM-DD, e.g. '{name}: 2026-11-01' (year, month, day)"))
    return problems


def _slug(fields: dict, path: Path, settings: dict) -> tuple[str, int] | None:
    from pelican.utils import slugify

    if "slug" in fields and fields["slug"][1]:
        return fields["slug"][1], fields["slug"][0]
    source = settings.get("SLUGIFY_SOURCE", "title")
    if source == "basename":
        return slugify(path.stem, settings.get("SLUG_REGEX_SUBSTITUTIONS", [])), 1
    if "title" in fields:
        return slugify(fields["title"][1], settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
                       settings.get("SLUGIFY_PRESERVE_CASE", False), settings.get("SLUGIFY_USE_UNICODE", False)), \
            fields["title"][0]
    return None


def preflight(settings: dict) -> list[Problem]:
    from .svg_check import check_static_svgs

    problems: list[Problem] = check_static_svgs(settings)
    for kind, paths in sources(settings).items():
        first_with: dict[str, Path] = {}
        for path in paths:
            found, fields = check_file(path, kind, settings)
            problems += found
            if fields is None or "lang" in fields or "translation" in fields:
                continue
            slug = _slug(fields, path, settings)
            if slug is None:
                continue
            value, line = slug
            if value in first_with:
                other = relative(str(first_with[value]))
                problems.append(Problem(relative(str(path)), line, "slug-duplicate",
                                        f"the {kind} slug '{value}' is already used by {other}",
                                        "give one of them a different 'Slug:' so neither page overwrites the other"))
            else:
                first_with[value] = path
    return problems
