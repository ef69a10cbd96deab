"""Every footnote reference has its definition, and every definition is referenced.

Python-Markdown's footnotes extension is silent about both: a `[^key]` with no `[^key]: ...` stays in
the text as those characters, and a definition nothing refers to is still listed among the sources,
numbered, with a "back to the text" link that goes nowhere; of two definitions of one key, the first
vanishes. Sources are the article's evidence, so
either is a mistake a reader would see. Same shape as every rule: (article, settings, source) -> [Problem].
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from clinic.problems import Problem, relative
from clinic.tree import body_of, classes, parsed

# Python-Markdown's own patterns (markdown.extensions.footnotes): a reference anywhere in the text, a
# definition at the start of a line indented by at most three spaces.
REFERENCE = re.compile(r"\[\^([^\]]*)\]")
DEFINITION = re.compile(r"^ {0,3}\[\^([^\]]*)\]:", re.MULTILINE)
# Where Markdown shows `[^key]` as written: fenced code, inline code, HTML comments.
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _blanked(source: str) -> str:
    """The source with code and comments replaced by spaces, so line numbers stay where they were."""
    for pattern in (FENCE, COMMENT, CODE_SPAN):
        source = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), source)
    return source


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def check_footnotes(article, settings, source) -> list[Problem]:
    path = relative(article.source_path)
    root = parsed(body_of(article))
    # What Markdown made of them: a definition is an <li id="fn:key"> in div.footnote, a reference an
    # <a class="footnote-ref" href="#fn:key">.
    notes = [div for div in root.iter("div") if "footnote" in classes(div)]
    defined = {li.get("id")[3:] for div in notes for li in div.iter("li") if (li.get("id") or "").startswith("fn:")}
    # The rewrite percent-encodes link targets ("#fn:Raja 2020" becomes "#fn:Raja%202020").
    referenced = {unquote(a.get("href")[4:]) for a in root.iter("a")
                  if "footnote-ref" in classes(a) and (a.get("href") or "").startswith("#fn:")}
    text = _blanked(source)
    # Each definition by the place of its "[^": that bracket is a definition, not a reference.
    definitions = {match.start(1) - 2: match.group(1) for match in DEFINITION.finditer(text)}
    problems = []
    for match in REFERENCE.finditer(text):
        key = match.group(1)
        if match.start() in definitions or key in defined:
            continue
        problems.append(Problem(path, _line(text, match.start()), "footnote-undefined",
                                f"the note [^{key}] has no definition, so readers see '[^{key}]' in the text",
                                f"add a line '[^{key}]: reference <https://...>' at the end of the file, or correct "
                                "the key to match a definition"))
    last = {key: start for start, key in definitions.items()}  # Markdown shows the last of a repeated key
    for start, key in definitions.items():
        if key not in defined:
            continue
        if last[key] != start:
            problems.append(Problem(path, _line(text, start), "footnote-unused",
                                    f"the note [^{key}] is defined again on line {_line(text, last[key])}, and "
                                    "readers see only that one",
                                    "delete one of the two definitions, or give this one a key of its own"))
        elif key not in referenced:
            problems.append(Problem(path, _line(text, start), "footnote-unused",
                                    f"the note [^{key}] is defined but nothing in the text refers to it",
                                    f"put [^{key}] right after the claim it supports, or delete the definition"))
    return problems
