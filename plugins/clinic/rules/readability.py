"""The one measure of an article's reading level: the rule, `invoke report` and the command below use it.

What is measured is the prose readers read in the article body: its paragraphs and list items (FAQ
answers included). Not measured: headings, FAQ questions, tables (their cells are labels, not
sentences), figure captions, code, the
sources (footnotes) and footnote numbers, and the notices (the theme adds those, they are not the
article's). Each paragraph or list item is its own sentence at least, so a list
of short items does not read as one endless sentence.

Glossary terms: every use of a term the glossary explains counts as one word of one syllable. Its meaning
is one step away (the first use links to its entry), and a reader who has met "central sensitization"
once is not slowed by it the second time; a term the glossary does not explain counts in full.

The formula is Flesch-Kincaid grade from textstat (pinned in requirements.in). textstat looks up English
syllables in the CMU dictionary through NLTK, which NLTK downloads from the network when it is missing;
naming the language "en-US" keeps textstat on Pyphen's en_US hyphenation dictionary, bundled in the
Pyphen wheel, so the measure needs no download and gives the same figure on every machine
(tests/test_readability.py runs it with the network closed).

    PYTHONPATH=plugins python -m clinic.rules.readability content/articles/oral-ketamine.md [...]
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

from clinic.source import glossary
from clinic.tree import ELEMENTS, body_of, classes, parsed

LANGUAGE = "en-US"
# Every paragraph or list item is a sentence of its own; their text is gathered, nested ones apart.
BLOCKS = ("p", "li", "dd", "dt")
# Not prose the reader reads as sentences, or not the writer's: their text is left out.
SKIPPED = ("h1", "h2", "h3", "h4", "h5", "h6", "summary", "figcaption", "pre", "code", "kbd", "samp", "sup",
           "table", "script", "style", "template", "nav", "aside")
SKIPPED_CLASSES = {"footnote"}
# Where one sentence ends: . ! ? (with closing quotes or brackets) before a space and a capital or digit.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
SHORT_WORD = "term"


@dataclass
class Measure:
    grade: float
    words: int
    sentences: int
    hardest: list[tuple[float, str]] = field(default_factory=list)

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0


def _textstat():
    import textstat

    textstat.set_lang(LANGUAGE)
    return textstat


def prose_blocks(html: str) -> list[str]:
    """The text of each paragraph and list item readers read in `html` (an article body), in order."""
    blocks: list[list[str]] = []

    def walk(node, current):
        if node.tag in SKIPPED or SKIPPED_CLASSES & set(classes(node)):
            return
        if node.tag in BLOCKS:
            current = []
            blocks.append(current)
        if current is not None and node.text:
            current.append(node.text)
        for child in node.iterchildren(ELEMENTS):
            walk(child, current)
            if current is not None and child.tail:
                current.append(child.tail)

    walk(parsed(html), None)
    texts = [" ".join("".join(parts).split()) for parts in blocks]
    return [t for t in texts if re.search(r"\w", t)]


def sentences(blocks: list[str]) -> list[str]:
    found = []
    for block in blocks:
        found += [s.strip() for s in SENTENCE_END.split(block) if s.strip()]
    return found


def _for_measuring(sentence: str, pattern) -> str:
    """The sentence as the formula reads it: every glossary term (`pattern`, glossary.matcher) one short
    word, and a sentence's end."""
    if pattern is not None:
        sentence = pattern.sub(SHORT_WORD, sentence)
    sentence = sentence.replace("\u2026", "...")
    return sentence if re.search(r"[.!?][\"'\u201d\u2019)\]]*$", sentence) else sentence + "."


def measure_sentences(found: list[str], terms: list[glossary.Entry], hardest: int = 3) -> Measure:
    textstat = _textstat()
    pattern = glossary.matcher(terms)  # once per article: building its key is most of a sentence's cost
    measured = [_for_measuring(s, pattern) for s in found]
    text = " ".join(measured)
    if not text.strip():
        return Measure(0.0, 0, 0)
    words = textstat.lexicon_count(text)
    count = max(1, textstat.sentence_count(text))
    ranked = sorted(((textstat.flesch_kincaid_grade(m), index) for index, m in enumerate(measured)
                     if textstat.lexicon_count(m) >= 3), key=lambda pair: (-pair[0], pair[1])) if hardest else []
    return Measure(round(textstat.flesch_kincaid_grade(text), 1), words, count,
                   [(round(grade, 1), found[index]) for grade, index in ranked[:hardest]])


def measure_html(html: str, terms: list[glossary.Entry], hardest: int = 3) -> Measure:
    """The reading level of an article body's HTML (its rendered content, after the clinic's rewrite)."""
    return measure_sentences(sentences(prose_blocks(html)), terms, hardest)


def measure(article, settings, hardest: int = 3) -> Measure:
    """The reading level of a Pelican article, as the build renders it."""
    return measure_html(body_of(article), glossary.entries(settings), hardest)


def render(path: str, settings) -> str:
    """An article's body HTML as the build makes it: the clinic reader (Markdown, typogrify, the rewrite)."""
    from clinic.render.reader import ClinicReader

    return ClinicReader(settings).read_here(path)[0] or ""


def describe(shown: str, result: Measure, limit: float, in_full: Measure | None = None) -> str:
    """One line of figures, then the hardest sentences. `in_full`: the same text with glossary terms counted
    as written, shown beside the grade so that the glossary's allowance is always in sight."""
    verdict = "above" if result.grade > limit else "within"
    beside = f"; {in_full.grade:.1f} counting glossary terms in full" if in_full is not None else ""
    lines = [f"{shown}: grade {result.grade:.1f} ({verdict} the limit {limit:.1f}{beside}); "
             f"{result.words} words, {result.sentences} sentences, {result.words_per_sentence:.1f} words per sentence"]
    lines += [f"  grade {grade:5.1f}: {sentence}" for grade, sentence in result.hardest]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse
    from pathlib import Path

    from clinic.settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m clinic.rules.readability",
                                     description="Print each article's Flesch-Kincaid grade and hardest sentences.")
    parser.add_argument("articles", nargs="+", help="Markdown files of articles")
    parser.add_argument("--settings", default="pelicanconf.py", help="the settings file (default: pelicanconf.py)")
    parser.add_argument("--glossary", help="the glossary file (default: GLOSSARY_PATH under the settings' PATH)")
    parser.add_argument("--hardest", type=int, default=5, help="how many of the hardest sentences to show")
    args = parser.parse_args(argv)
    settings = load_settings(args.settings)
    # Another checkout's settings may have no glossary yet: then this checkout's glossary is the one.
    own = Path(__file__).resolve().parents[3] / "content" / "glossary.yml"
    chosen = Path(args.glossary) if args.glossary else glossary.path_of(settings)
    settings["GLOSSARY_PATH"] = str((chosen if chosen.is_file() else own).resolve())
    limit = float(settings.get("READING_GRADE_MAX", 8.0))
    terms = glossary.entries(settings)
    above = False
    for path in args.articles:
        html = render(path, settings)
        result = measure_html(html, terms, args.hardest)
        above |= result.grade > limit
        print(describe(path, result, limit, measure_html(html, [], 0)))
    return 1 if above else 0


if __name__ == "__main__":
    sys.exit(main())
