"""Checks on the Markdown sources that must run before Pelican reads them.

Pelican reports an undecodable file, an empty file or a bad date as "Could not process" with no reason
and no line, a header line without a colon silently ends the header (the fields after it become body
text), and YAML front matter that does not parse leaves the article with no metadata at all. Reading the
raw files first gives each of these its own rule id and line.

The header is YAML front matter between `---` lines (what the CMS writes), or, in a file without one,
Python-Markdown's `Key: value` lines (the format before it, which Pelican still reads).
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import yaml
from pelican.plugins.yaml_metadata.yaml_metadata import HEADER_RE as YAML_HEADER_RE

from clinic.source.dates import DATE_FIELDS, why_not_a_date
from clinic.source.fields import check as fields_check
from clinic.problems import Problem, relative

# The header grammar of Python-Markdown's meta extension, which Pelican's Markdown reader uses.
META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
META_MORE_RE = re.compile(r"^[ ]{4,}(?P<value>.*)")
FENCE_RE = re.compile(r"^(-{3}|\.{3})(\s.*)?$")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
# Fields that are lists in YAML: written as one text ("tags: a, b"), Pelican would read a single tag "a, b".
LIST_FIELDS = ("tags", "key_points")


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


def is_yaml(text: str) -> bool:
    """Whether the file opens with YAML front matter: the test pelican-yaml-metadata's reader makes, or
    an opening `---` that the reader would not accept (no closing line), which is a broken header."""
    return bool(YAML_HEADER_RE.fullmatch(text)) or text.lstrip().startswith("---")


def header(text: str) -> tuple[dict[str, tuple[int, str | list[str]]], list[tuple[int, str]]]:
    """The header fields as {key: (line, value)}, and the lines that break the header grammar.

    Keys are lowercase. A value is the text as written (str; a YAML date stays '2026-11-01', unquoted
    text loses its quotes); a YAML list is a list of str. Lines count from 1 in the whole file.
    """
    entries, broken, _end = yaml_header(text)[:3] if is_yaml(text) else header_entries(text)
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


def yaml_header(text: str) -> tuple[list[tuple[int, str, str | list[str]]], list[tuple[int, str]], int | None, list[str]]:
    """header_entries() for YAML front matter: the entries, the broken lines, the closing `---` line, and
    the reason each broken line is broken.

    Read as YAML nodes, not values: their marks give each key's line, and their text is what the writer
    wrote, so a date the YAML loader could not even build ('2026-13-01') still reaches the date check.
    """
    match = YAML_HEADER_RE.fullmatch(text)
    lines = text.splitlines()
    if not match:
        opening = next(n for n, line in enumerate(lines, start=1) if line.strip())
        return [], [(opening, lines[opening - 1])], None, ["the front matter has no closing '---' line"]
    offset = text.count("\n", 0, match.start("metadata"))  # the opening '---' is line offset + 1
    # The closing '---' (or '...'): the line that ends the header, as the blank line does in the older format.
    end = next(n for n in range(offset + 2, len(lines) + 1) if lines[n - 1].strip() in ("---", "..."))
    try:
        root = yaml.compose(match.group("metadata"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        number = offset + 1 + (mark.line if mark else 1)
        number = min(max(number, offset + 2), len(lines))
        return [], [(number, lines[number - 1])], end, [_yaml_reason(error)]
    if root is None:
        return [], [], end, []
    if not isinstance(root, yaml.MappingNode):
        number = offset + 1 + root.start_mark.line
        return [], [(number, lines[number - 1])], end, ["the front matter is not a list of 'key: value' lines"]
    entries, broken, reasons = [], [], []
    fields: dict[str, int] = {}
    for key_node, value_node in root.value:
        number = offset + 1 + key_node.start_mark.line
        key = str(key_node.value).lower() if isinstance(key_node, yaml.ScalarNode) else ""
        value = _node_text(value_node)
        if not key or value is None:
            broken.append((number, lines[number - 1]))
            reasons.append("a field's value must be a text or a list of texts")
        elif key in fields:
            broken.append((number, lines[number - 1]))
            reasons.append(f"'{key}' is already set on line {fields[key]}")
        elif key in LIST_FIELDS and isinstance(value, str) and value:
            broken.append((number, lines[number - 1]))
            reasons.append(f"'{key}' must be a list, one '- item' line each, not one text")
        else:
            fields[key] = number
            entries.append((number, key, value))
    return entries, broken, end, reasons


def _node_text(node):
    if isinstance(node, yaml.ScalarNode):
        return "" if node.tag.endswith(":null") and node.value in ("", "~", "null", "Null", "NULL") else node.value
    if isinstance(node, yaml.SequenceNode) and all(isinstance(item, yaml.ScalarNode) for item in node.value):
        return [item.value for item in node.value]
    return None


def _yaml_reason(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if "mapping values are not allowed" in problem:
        return "a value holds ': '; put the whole value in double quotes"
    return f"the YAML does not parse ({problem})"


def body_start(text: str) -> int | None:
    """The line the body starts after, in either header format (None when the file is all header)."""
    return yaml_header(text)[2] if is_yaml(text) else header_entries(text)[2]


def continued(text: str) -> dict[str, list[tuple[int, str]]]:
    """Each header field's lines as {key: [(line, value), ...]}: its first line, then any continuation
    lines (indented four spaces), which Pelican's Markdown reader makes into a list. In YAML front matter
    a list's items are its lines, one '- item' each under the key."""
    if is_yaml(text):
        return {key: [(line + 1 + n, item) for n, item in enumerate(value)] if isinstance(value, list)
                else [(line, value)] for line, key, value in yaml_header(text)[0]}
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
    if is_yaml(text):
        entries, broken, _end, reasons = yaml_header(text)
        body_start = None  # the closing '---' ends the header: nothing after it can be mistaken for a field
        problems = [
            Problem(shown, number, "metadata-malformed", f"front matter line {line.strip()!r}: {reason}",
                    "write each line as 'key: value' or a '- item' of a list, between the two '---' lines "
                    "(docs/writing.md, section 2)")
            for (number, line), reason in zip(broken, reasons)
        ]
    else:
        entries, broken, body_start = header_entries(text)
        problems = [
            Problem(shown, number, "metadata-malformed", f"header line {line.strip()!r} is not 'Key: value'",
                    "write each header line as 'Key: value' (a colon after the key), with no blank line inside the header")
            for number, line in broken
        ]
    fields, _ = header(text)
    problems += check_dates(shown, entries)
    problems += fields_check(shown, kind, entries, body_start, text.splitlines(), settings or {})
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
        wrong = why_not_a_date(value) if isinstance(value, str) else "is a list, not one date"
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
    from clinic.source.svg_check import check_static_svgs

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


def header_fields(source: str) -> dict[str, tuple[str, int]]:
    """The header as preflight reads it (YAML front matter, or the older meta grammar): lowercase key ->
    (value, line), a YAML list's items joined by ', ' so every rule compares text."""
    return {key: (", ".join(value) if isinstance(value, list) else value, line)
            for key, (line, value) in header(source)[0].items()}
