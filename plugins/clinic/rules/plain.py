"""Plain-language rules on one article: its key points, its reading level, its abbreviations.

Same shape as every rule, (article, settings, source) -> [Problem]; listed in rules/__init__.py.
Many readers are in pain, tired, medicated or reading in a second language: the key points give them the
article in a few plain lines, the reading level keeps the body at READING_GRADE_MAX (NIH: eighth grade),
and no abbreviation reaches them without its meaning in the text or the glossary (WCAG 2.2, 3.1.4).
"""

from __future__ import annotations

import re

from clinic.source import glossary, preflight
from clinic.problems import Problem, line_of, relative
from clinic.tree import ELEMENTS, body_of, classes, parsed

# Two or more capitals (digits may follow), an optional lowercase first letter (mTOR) and plural s (NSAIDs).
ABBREVIATION = re.compile(r"(?<![\w'\u2019])([a-z]?[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*)(s?)(?![\w'\u2019])")
# Text a reader does not read as prose: an abbreviation there needs no expansion.
NOT_PROSE = ("pre", "code", "kbd", "samp", "script", "style", "template")


def key_points(article) -> list[str]:
    """The Key_points field as a list of points (one line of the field gives a string)."""
    value = article.metadata.get("key_points")
    points = [value] if isinstance(value, str) else list(value or [])
    return [str(point).strip() for point in points if str(point).strip()]


def check_key_points(article, settings, source) -> list[Problem]:
    low, high = settings.get("KEY_POINTS_MIN", 3), settings.get("KEY_POINTS_MAX", 5)
    points = key_points(article)
    if low <= len(points) <= high:
        return []
    lines = preflight.continued(source)
    line = lines["key_points"][0][0] if "key_points" in lines else _header_end(lines)
    found = f"has {len(points)} key point{'s' if len(points) != 1 else ''}" if "key_points" in lines \
        else "has no 'Key_points:' field"
    return [Problem(relative(article.source_path), line, "key-points-missing",
                    f"the article {found}; it needs {low} to {high}",
                    f"write {low} to {high} short, plain points: 'Key_points: First point.' then one point per "
                    "line, each indented four spaces (docs/writing.md, Key points)")]


def _header_end(lines: dict) -> int:
    return max((number for values in lines.values() for number, _ in values), default=0) + 1


def check_reading_grade(article, settings, source) -> list[Problem]:
    from clinic.rules import readability  # here, not at the top: `python -m clinic.rules.readability` imports the plugin first

    limit = float(settings.get("READING_GRADE_MAX", 8.0))
    # Ranking every sentence costs as much as the grade: only an article above the limit shows its hardest.
    if readability.measure(article, settings, hardest=0).grade <= limit:
        return []
    result = readability.measure(article, settings)
    hardest = "; ".join(f"line {_line_of_sentence(source, text)} (grade {grade:.1f}) '{_short(text)}'"
                        for grade, text in result.hardest)
    return [Problem(relative(article.source_path), _first_body_line(source), "reading-grade-high",
                    f"the body reads at grade {result.grade:.1f} (Flesch-Kincaid), above READING_GRADE_MAX "
                    f"{limit:.1f}; {result.words_per_sentence:.1f} words per sentence; hardest: {hardest}",
                    "split long sentences, use short everyday words, and explain medical terms in the glossary "
                    "(docs/writing.md, Plain writing); check with python -m clinic.rules.readability FILE")]


def _short(sentence: str, length: int = 70) -> str:
    return sentence if len(sentence) <= length else sentence[:length].rsplit(" ", 1)[0] + "..."


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", text)


def _line_of_sentence(source: str, sentence: str) -> int:
    """The source line where a sentence starts: its first words, as they are written (typogrify and
    Markdown change punctuation and markup, never the letters)."""
    words = _words(sentence)[:6]
    if not words:
        return 1
    pattern = r"[^A-Za-z0-9]+(?:\S*?[^A-Za-z0-9]+)?".join(map(re.escape, words))
    match = re.search(pattern, source)
    return source.count("\n", 0, match.start()) + 1 if match else _first_body_line(source)


def _first_body_line(source: str) -> int:
    lines = preflight.continued(source)
    return _header_end(lines) + 1 if lines else 1


def prose_text(html: str) -> str:
    """Every piece of text a reader reads in the body, headings and tables included; not code, not the
    sources."""
    parts: list[str] = []

    def walk(node):
        if node.tag in NOT_PROSE or "footnote" in classes(node):
            return
        parts.append(node.text or "")
        for child in node.iterchildren(ELEMENTS):
            walk(child)
            parts.append(child.tail or "")

    walk(parsed(html))
    return " ".join("".join(parts).split())


def check_abbreviations(article, settings, source) -> list[Problem]:
    known = {form for entry in glossary.entries(settings) if entry.is_abbreviation for form in entry.forms}
    text = prose_text(body_of(article)) + " " + " ".join(key_points(article))
    problems, seen = [], set()
    for match in ABBREVIATION.finditer(text):
        letters = match.group(1)
        if letters in seen or letters in known or match.group(0) in known:
            continue
        seen.add(letters)
        if _expanded_at_first_use(text, letters):
            continue
        problems.append(Problem(relative(article.source_path), _line_in_body(source, letters), "abbreviation-unexplained",
                                f"'{letters}' is an abbreviation with no expansion in the text or the glossary",
                                f"write it out where it is first used, as 'words in full ({letters})', or add it to "
                                f"{settings.get('GLOSSARY_PATH', 'glossary.yml')} with its expansion"))
    return problems


def _expanded_at_first_use(text: str, letters: str) -> bool:
    """Written out where it is first used: "cognitive behavioral therapy (CBT)" or "CBT (cognitive ...)"."""
    first = re.search(r"(?<![\w'\u2019])" + re.escape(letters) + r"s?(?![\w'\u2019])", text)
    if first is None:
        return False
    before, after = text[:first.start()], text[first.end():]
    in_brackets = before.endswith("(") and re.match(r"\s*[),;]", after) and len(_words(before)) >= 2
    return bool(in_brackets or re.match(r"\s\((?!\s*[A-Z0-9]+\))[^)]*[a-z]{3}[^)]*\)", after))


def _line_in_body(source: str, letters: str) -> int:
    body_start = _first_body_line(source)
    for number, line in enumerate(source.splitlines(), start=1):
        if number >= body_start and not line.lstrip().startswith("[^") and \
                re.search(r"(?<![\w])" + re.escape(letters) + r"(?![A-Za-z0-9])", line):
            return number
    return line_of(source, letters, body_start)


RULES = [check_key_points, check_reading_grade, check_abbreviations]
