"""The glossary: one data source (GLOSSARY_PATH, YAML under content/) of terms and their plain meanings.

Each entry has a `term`, a plain `definition`, an `expansion` when the term is an abbreviation, and
`aliases` (plural and other written forms). The glossary page renders every entry; render/rewrite.py marks the
first use of each term in an article with a link to its entry; readability.py counts each use as one short
word; the abbreviation rule accepts an abbreviation the glossary expands. All of them find the terms with
`matcher()`, so a term is the same term everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from clinic.problems import Problem, relative

FIELDS = {"term", "definition", "expansion", "aliases"}


@dataclass(frozen=True)
class Entry:
    term: str
    definition: str
    expansion: str = ""
    aliases: tuple[str, ...] = ()
    line: int = 1

    @property
    def anchor(self) -> str:
        """The entry's id on the glossary page: lowercase letters and digits joined by hyphens."""
        return re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-")

    @property
    def is_abbreviation(self) -> bool:
        return bool(self.expansion)

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


def path_of(settings) -> Path:
    return Path(settings.get("PATH", "content")) / settings.get("GLOSSARY_PATH", "glossary.yml")


def entries(settings) -> list[Entry]:
    """The glossary's entries in their written order; none when there is no glossary file."""
    return list(_read(str(path_of(settings)))[0])


def problems(settings) -> list[Problem]:
    """One line per malformed entry (glossary-malformed), naming the glossary file and the entry's line."""
    return list(_read(str(path_of(settings)))[1])


def text_of(settings) -> str:
    """The glossary file's text (empty when there is none): what cached results that depend on it key on."""
    path = path_of(settings)
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _read(path: str) -> tuple[tuple[Entry, ...], tuple[Problem, ...]]:
    file = Path(path)
    if not file.is_file():
        return (), ()
    return _parse(file.read_text(encoding="utf-8"), relative(path))


@lru_cache(maxsize=8)
def _parse(text: str, shown: str) -> tuple[tuple[Entry, ...], tuple[Problem, ...]]:
    import yaml

    def problem(line, message, fix):
        return Problem(shown, line, "glossary-malformed", message, fix)

    try:
        document = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return (), (problem(mark.line + 1 if mark else 1, "the glossary is not valid YAML",
                            "write each entry as '- term: ...' with its fields indented under it"),)
    if document is None:
        return (), ()
    if not isinstance(document, yaml.SequenceNode):
        return (), (problem(document.start_mark.line + 1, "the glossary is not a list of entries",
                            "start each entry with '- term: ...'"),)
    found, wrong, seen = [], [], {}
    for node in document.value:
        line = node.start_mark.line + 1
        value = yaml.SafeLoader("").construct_document(node) if isinstance(node, yaml.MappingNode) else None
        if not isinstance(value, dict):
            wrong.append(problem(line, "this entry is not 'term:' and 'definition:' fields",
                                 "write it as '- term: ...' then '  definition: ...' on the next line"))
            continue
        unknown = sorted(set(value) - FIELDS)
        term, definition = str(value.get("term") or "").strip(), str(value.get("definition") or "").strip()
        aliases = value.get("aliases") or []
        if unknown:
            wrong.append(problem(line, f"the entry '{term}' has unknown field(s) {', '.join(map(str, unknown))}",
                                 f"use only {', '.join(sorted(FIELDS))}"))
        if not term or not definition:
            wrong.append(problem(line, f"the entry '{term or '?'}' has no {'term' if not term else 'definition'}",
                                 "give every entry a 'term:' and a plain 'definition:'"))
            continue
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            wrong.append(problem(line, f"the aliases of '{term}' are not a list of words",
                                 "write them as 'aliases: [plural, other spelling]'"))
            continue
        entry = Entry(term, definition, str(value.get("expansion") or "").strip(),
                      tuple(a.strip() for a in aliases), line)
        for form in entry.forms + ("#" + entry.anchor,):  # two terms must not share an anchor on the page
            key = form if entry.is_abbreviation or form.startswith("#") else form.lower()
            if key in seen:
                what = (f"'{term}' has the same link anchor as the entry on line {seen[key]}" if key.startswith("#")
                        else f"'{form}' is already a form of the entry on line {seen[key]}")
                wrong.append(problem(line, what, "keep one entry per term and remove the repeated form"))
                break
            seen[key] = line
        found.append(entry)
    return tuple(found), tuple(wrong)


@lru_cache(maxsize=8)
def _matcher(forms: tuple[tuple[str, bool, int], ...]) -> re.Pattern | None:
    if not forms:
        return None
    # Longest first, so "central sensitization" wins over "sensitization". An abbreviation matches only as
    # written in capitals ("ACT" the therapy, not "act" the verb); other terms in any case. The forms are
    # grouped by first letter behind a lookahead for it, so the engine tries only the forms that can start
    # where it is: the same matches, seven times faster than one flat alternation of every form.
    groups: dict[str, list[str]] = {}
    for number, (form, abbreviation, index) in enumerate(sorted(forms, key=lambda f: len(f[0]), reverse=True)):
        written = re.escape(form) if abbreviation else f"(?i:{re.escape(form)})"
        groups.setdefault(form[0].lower(), []).append(f"(?P<t{index}_{number}>{written})")
    starts = [f"(?=(?i:{re.escape(first)}))(?:{'|'.join(group)})" for first, group in sorted(groups.items())]
    return re.compile(r"(?<![\w])(?:" + "|".join(starts) + r")(?![\w])")


def matcher(terms: list[Entry]) -> re.Pattern | None:
    """One pattern for every form of every entry; `entry_of(match, terms)` says which entry matched."""
    return _matcher(tuple((form, e.is_abbreviation, index) for index, e in enumerate(terms) for form in e.forms))


def entry_of(match: re.Match, terms: list[Entry]) -> Entry:
    name = match.lastgroup
    return terms[int(name[1:].split("_")[0])]
