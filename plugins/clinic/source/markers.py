"""Markers a writer leaves in a source for people, not readers: a reviewer's allow-claim, new-post's TODO.

The build removes the first from the page (render/rewrite.py) and the claim rule honours it
(rules/claims.py); a published article may not keep the second (todo-left).
"""

from __future__ import annotations

import re

from clinic.problems import Problem, relative

# A writer allows one flagged phrase on its line, in place, naming the clinician who approved it:
#   ... the nickname "wonder drug" <!-- allow-claim: wonder drug; reviewer: example-physician --> ...
ALLOW_MARKER = re.compile(r"<!--\s*allow-claim:\s*(?P<phrase>[^;>]+?)\s*;\s*reviewer:\s*(?P<reviewer>[\w.-]+)\s*-->",
                          re.IGNORECASE)
SHOWN_MARKER = re.compile(r"[ \t]*" + ALLOW_MARKER.pattern, re.IGNORECASE)


def strip_allow_markers(text: str) -> str:
    """The allow-claim markers are for reviewers reading the source, not for readers (nor the space before one:
    "depression <!-- ... -->, for" reads "depression, for")."""
    return SHOWN_MARKER.sub("", text)


def unfinished(path: str, source: str, marker: str = "TODO") -> list[Problem]:
    """One Problem per line that still carries the new-post marker: the writer has not filled it in."""
    problems = []
    if marker not in source:
        return problems
    for number, line in enumerate(source.splitlines(), start=1):
        if re.search(rf"\b{re.escape(marker)}\b", line):
            shown = line if len(line) <= 60 else line[:57] + "..."
            problems.append(Problem(path, number, "todo-left", f"'{shown}' is still marked {marker}",
                                    f"replace the {marker} and its hint with the real text (docs/writing.md)"))
    return problems


def check_unfinished(article, settings, source: str) -> list[Problem]:
    """The editorial-rule form of `unfinished`: a published article may not keep a new-post marker."""
    return unfinished(relative(article.source_path), source, settings.get("NEWPOST_TODO_MARKER", "TODO"))
