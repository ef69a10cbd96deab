"""Writing YAML front matter: the one way new-post and the migration write a header.

The header is YAML between `---` lines, keys in lowercase, in the order the CMS at /admin/ lists its
fields, so a file saved by the editor and a file written here differ only where a writer changed them.
Dates stay plain (`date: 2026-11-01`), lists are one `- item` line each, and any other text is plain
unless YAML would read it as something else (a colon and space, a leading quote, `yes`, a number), when
it is written in double quotes.

`from_meta()` turns a file in the old grammar (Python-Markdown's `Key: value` lines, continuation lines
indented by four spaces) into the new one, with a map from each old line number to its new one.
"""

from __future__ import annotations

import datetime
import json
import re

import yaml

from clinic.source.preflight import DATE_FIELDS, FENCE_RE, META_MORE_RE, META_RE, is_yaml

# Fields that are always lists, even with a single item; `Tags: a, b` is split at its commas, as
# Pelican's own reader splits it.
LIST_FIELDS = ("tags", "key_points", "authors")
COMMA_LISTS = ("tags", "authors")


class NotMigrated(ValueError):
    """The file's header breaks the old grammar: fix it first (the build names the line)."""


def scalar(key: str, value: str) -> str:
    """One value as YAML that reads back as exactly this text (or, for a date field, as this date)."""
    if value == "":
        return ""
    if key in DATE_FIELDS and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            datetime.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    try:
        plain = yaml.safe_load(f"k: {value}") == {"k": value}
    except (yaml.YAMLError, ValueError):  # ValueError: a date YAML cannot build, such as 2026-11-31
        plain = False
    return value if plain and value == value.strip() else json.dumps(value, ensure_ascii=False)


def dump(fields: list[tuple[str, str | list[str]]]) -> list[str]:
    """The front matter's lines, fences included."""
    lines = ["---"]
    for key, value in fields:
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"  - {scalar(key, item)}" for item in value]
        else:
            lines.append(f"{key}: {scalar(key, value)}".rstrip())
    return lines + ["---"]


def _meta_header(lines: list[str]) -> tuple[list[tuple[int, str, list[str]]], int]:
    """[(line, key, [value lines])] of the old header, and the index of the line after it."""
    fields: list[tuple[int, str, list[str]]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip() or FENCE_RE.match(line):
            break
        match = META_RE.match(line)
        more = META_MORE_RE.match(line)
        if match:
            fields.append((index + 1, match["key"].lower(), [match["value"].strip()]))
        elif fields and more:
            fields[-1][2].append(more["value"].strip())
        else:
            raise NotMigrated(f"line {index + 1}: {line.strip()!r} is not 'Key: value'")
        index += 1
    return fields, index


def from_meta(text: str) -> tuple[str, dict[int, int]]:
    """The file with its header as YAML front matter, and {old line: new line}. A YAML file is returned
    as it is (the migration may run again after others have edited the articles)."""
    lines = text.splitlines()
    if is_yaml(text):
        return text, {n: n for n in range(1, len(lines) + 1)}
    fields, end = _meta_header(lines)
    values = []
    for _, key, parts in fields:
        parts = [p for p in parts if p] if len(parts) > 1 else parts
        if key in COMMA_LISTS:
            values.append([t.strip() for p in parts for t in p.split(",") if t.strip()])
        elif key in LIST_FIELDS or len(parts) > 1:
            values.append(parts)
        else:
            values.append(parts[0])
    header = dump([(key, value) for (_, key, _), value in zip(fields, values)])
    mapping, new_line = {}, 2
    for (old_line, key, parts), value in zip(fields, values):
        mapping[old_line] = new_line
        for extra in range(1, len(parts)):  # a continuation line: its own item
            mapping[old_line + extra] = new_line + 1 + min(extra, len(value) - 1)
        new_line += 1 + (len(value) if isinstance(value, list) else 0)
    body = lines[end:]
    if body and not body[0].strip():
        body = body[1:]  # the blank line that ended the old header; one follows the closing fence instead
    shift = len(header) + 1 - (end + (1 if end < len(lines) and not lines[end].strip() else 0))
    for old in range(end + 1, len(lines) + 1):
        mapping[old] = old + shift
    new_text = "\n".join(header + [""] + body) + ("\n" if text.endswith("\n") else "")
    return new_text, mapping
