"""The claim-flagged rule: phrases regulators flag in health marketing, found by family in an article's source.

The families, their phrases and the words that negate them are settings (FLAGGED_CLAIMS, CLAIM_TERMS,
CLAIM_NEGATIONS, ...; pelicanconf.py explains the phrase grammar); docs/rules.md gives each family its
source. The source is read as a reader would see it: header fields and paragraphs, with Markdown and
HTML markup, link targets, footnote definitions (other people's titles) and invisible characters set
aside, curly quotes and dashes made plain, and a phrase free to run over a line break in a paragraph.
"""

from __future__ import annotations

import html
import re
import unicodedata

from clinic.source import people, preflight
from clinic.source.markers import ALLOW_MARKER
from clinic.problems import Problem, relative

# What a space in a phrase matches: spaces, one line break, hyphens, dashes, quotes and brackets.
SEP = "[^\\S\\n]|\\n|[\\-\u2010-\u2015\u2212\"()]"
SPACE, HYPHEN = f"(?:(?:{SEP})+)", f"(?:(?:{SEP})*)"
# Where a clause ends for negation: punctuation, brackets, a dash, "|" (a new paragraph, list item,
# header field or table cell; see _reading), or one of CLAIM_CLAUSE_WORDS.
CLAUSE_MARKS = "[.!?;:,](?=[\\s\"'|\u2020)]|$)|[|()\u2014\u2013]|\\s-\\s"
FOOTNOTE = "\u2020"  # stands in for a footnote reference the article defines
NOTE_START = re.compile(r"\s{0,3}\[\^[^\]]+\]:")
NOTE_REFERENCE = re.compile(r"\[\^([^\]]+)\]")
LINK_DEFINITION = re.compile(r"\s{0,3}\[[^\]]+\]:\s*\S+\s*$")
LINK_TARGET = re.compile(r"\]\(\s*(?:<[^>\n]*>|[^)\s]*)(?:\s+([\"'])(?P<title>[^\n]*?)\1)?\s*\)")
TAG = re.compile(r"</?[a-zA-Z][^>\n]*>")
SHOWN_ATTRIBUTE = re.compile(r"\b(?:alt|title|aria-label)\s*=\s*([\"'])(.*?)\1", re.IGNORECASE)
BLOCK_START = re.compile(r"\s*(?:[-*+]\s+|\d+[.)]\s+|#{1,6}\s+|>[>\s]*)")
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
QUOTES = re.compile("[\u2018\u2019\u02bc\u2032\u201c\u201d\u2033]")


def _quotes(text: str) -> str:
    return QUOTES.sub(lambda m: "'" if m[0] in "\u2018\u2019\u02bc\u2032" else '"', text)


def _phrase(text: str) -> str:
    """A phrase of the settings' grammar as a regular expression: its spaces and hyphens (terms are expanded first)."""
    return "".join(SPACE if char == " " else HYPHEN if char == "-" else char for char in text)


def _alternatives(items) -> str:
    return "(?:" + "|".join(sorted(items, key=len, reverse=True)) + ")"


_COMPILED: dict[str, tuple] = {}


def _rules(settings):
    """(family regexes with the words they need, negation regex, not-negation regex, clause regex), compiled
    once per settings."""
    chosen = (settings.get("FLAGGED_CLAIMS") or [], settings.get("CLAIM_TERMS") or {},
              [word.lower() for word in settings.get("CLAIM_NEGATIONS") or []],
              settings.get("CLAIM_NOT_NEGATIONS") or [], settings.get("CLAIM_CLAUSE_WORDS") or [],
              int(settings.get("CLAIM_GAP_WORDS") or 8))
    key = repr(chosen)
    if key not in _COMPILED:
        if len(_COMPILED) > 8:
            _COMPILED.clear()
        _COMPILED[key] = _compiled(*chosen)
    return _COMPILED[key]


def _compiled(families, terms, negations, not_negations, clause_words, gap):
    negation = _alternatives(_phrase(re.escape(word).replace("\\ ", " ").replace("\\-", "-")) for word in negations)
    terms = {**terms, "negation": list(negations)}

    def expand(text: str, depth: int = 0) -> str:
        if depth > 5:
            raise ValueError(f"CLAIM_TERMS nest too deep: {text}")

        def term(match):
            if match[1] not in terms:
                raise ValueError(f"FLAGGED_CLAIMS: {{{match[1]}}} in '{text}' is not a key of CLAIM_TERMS")
            return "(?:" + "|".join(expand(t, depth + 1) for t in terms[match[1]]) + ")"

        return re.sub(r"\{(\w+)\}", term, text)

    word = "(?!" + negation + "(?![\\w']))[\\w%][\\w'%]*(?:[.,]\\d+)?"
    found = []
    for family in families:
        options = []
        for phrase in family["phrases"]:
            parts = expand(phrase).lower().split(" ... ")
            options.append(f"{SPACE}(?:{word}{SPACE}){{0,{gap}}}".join(_phrase(part) for part in parts))
        # \b on lowercased text: 2.4 times faster on the real articles than a lookbehind with IGNORECASE.
        needs = [_needs(option) for option in options]
        found.append((family, re.compile(r"\b(?:" + "|".join(options) + r")(?![\w])"),
                      None if None in needs else needs))
    not_neg = re.compile(r"(?<![\w'])" + _alternatives(_phrase(re.escape(p).replace("\\ ", " ")) for p in not_negations)
                         + r"(?![\w'])", re.IGNORECASE) if not_negations else None
    clause = re.compile(CLAUSE_MARKS + (r"|(?<![\w'])(?:" + "|".join(map(re.escape, clause_words)) + r")(?![\w'])"
                                        if clause_words else ""), re.IGNORECASE)
    return found, re.compile(r"(?<![\w'])" + negation + r"(?![\w'])", re.IGNORECASE), not_neg, clause


def _needs(pattern: str) -> list[frozenset[str]] | None:
    """Sets of strings such that every match of `pattern` contains one string of each set, or None.

    Most articles contain none of a family's words ("addict", "approv" ...), so this spares them the
    family's search: the phrases' gaps make it the costliest step of the rule. Read from the parsed
    regular expression, so it follows the settings without a list of its own.
    """
    try:
        from re import _constants as C, _parser as sre
    except ImportError:  # a Python that moved them: search every article
        return None

    def required(items) -> list[frozenset[str]]:
        found, run = [], ""
        for op, value in items:
            if op is C.LITERAL:
                run += chr(value)
                continue
            if run:
                found.append(frozenset([run]))
                run = ""
            if op is C.SUBPATTERN:
                found += required(value[-1])
            elif op is C.BRANCH:
                options = [best(required(option)) for option in value[1]]
                if all(options):
                    found.append(frozenset().union(*options))
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT) and value[0] >= 1:
                found += required(value[2])
        return found + ([frozenset([run])] if run else [])

    def best(sets):
        return max(sets, key=lambda strings: (min(map(len, strings)), -len(strings)), default=None)

    try:
        return required(sre.parse(pattern)) or None
    except Exception:  # noqa: BLE001 - an expression this reader does not follow: search every article
        return None


def _plain(line: str) -> str:
    """Text as a reader sees its words: markup, link targets and invisible characters set aside; line breaks kept."""
    line = ALLOW_MARKER.sub(" ", line)
    line = re.sub(r"<(?:https?:|mailto:)[^>]*>|https?://\S+|//\S+|\{(?:filename|static|attach)\}\S+", " ", line)
    # A link's or image's title and a tag's alt or title text are shown to readers; its address is not.
    line = LINK_TARGET.sub(lambda m: f" {m['title'] or ''} ", line)
    line = TAG.sub(lambda m: " " + " ".join(v for _, v in SHOWN_ATTRIBUTE.findall(m[0])) + " ", line)
    line = re.sub(r"\{:[^}\n]*\}|<!--|-->", " ", line)
    line = re.sub(r"[\[\]]", " ", line)
    line = _quotes(unicodedata.normalize("NFKC", html.unescape(line)))
    return INVISIBLE.sub("", re.sub(r"[*_`~\\]", "", line))


def _reading(source: str) -> tuple[str, list[list[tuple[str, str]]]]:
    """The source as text to match (one line per source line) and each line's allow markers (phrase, reviewer)."""
    lines = source.splitlines()
    fields = preflight.header(source)[0]
    header_end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines)) if fields else 0
    defined = set(re.findall(r"^\s{0,3}\[\^([^\]]+)\]:", source, re.M))
    out, markers, in_note = [], [], False
    for index, line in enumerate(lines):
        # The `in` tests spare most lines a regular expression: they halved this loop on synthetic articles.
        markers.append([(m["phrase"], m["reviewer"]) for m in ALLOW_MARKER.finditer(line)] if "<!--" in line else [])
        bracket = "[" in line
        in_note = (bracket and bool(NOTE_START.match(line))) or (in_note and line[:1].isspace() and line.strip() != "")
        if in_note or not line.strip() or (bracket and LINK_DEFINITION.match(line)):
            out.append("|")  # a footnote definition cites someone else's title; a blank line ends a paragraph
            continue
        if "[^" in line:
            line = NOTE_REFERENCE.sub(lambda m: FOOTNOTE if m[1] in defined else " ", line)
        starts = BLOCK_START.match(line)
        if starts:
            line = "| " + line[starts.end():]
        elif index < header_end and not line[:1].isspace():
            line = "| " + line
        out.append(line)
    return _plain("\n".join(out)), markers


def _negated(before: str, negation, not_negation, clause) -> bool:
    """A negation earlier in the same clause: "there is no cure", "no treatment here is a cure"."""
    pieces = clause.split(before[-600:])
    last = pieces[-1] if pieces else ""
    if not_negation is not None:
        last = not_negation.sub(" ", last)
    return bool(negation.search(last))


def _cited(text: str, start: int, end: int) -> bool:
    """A footnote reference in the same sentence: the figure reports a study the article cites."""
    ends = [m.end() for m in re.finditer(f"[.!?]{FOOTNOTE}*(?=\\s)|\\|", text[:start])]
    after = re.search(f"[.!?]{FOOTNOTE}*|\\|", text[end:])
    return FOOTNOTE in text[ends[-1] if ends else 0:end + (after.end() if after else len(text) - end)]


def _norm(text: str) -> str:
    return " ".join(re.split(f"(?:{SEP})+", _quotes(unicodedata.normalize("NFKC", text)).casefold())).strip()


def check(article, settings, source: str, authors: list[str]) -> list[Problem]:
    """One claim-flagged Problem per flagged phrase, and one per allow marker whose reviewer may not review."""
    if not settings.get("FLAGGED_CLAIMS"):
        return []
    path = relative(article.source_path)
    families, negation, not_negation, clause = _rules(settings)
    text, markers = _reading(source)
    low = text.lower()
    if len(low) != len(text):  # a few letters lowercase to two; keep every offset
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    problems, allowed = [], {}
    for number, found in enumerate(markers, start=1):
        for phrase, reviewer in found:
            wrong = people.reviewer_problem(reviewer, authors, settings, what="the allow-claim marker's reviewer")
            if wrong:
                problems.append(Problem(path, number, *wrong))
            else:
                allowed.setdefault(number, []).append(_norm(phrase))
    taken: list[tuple[int, int]] = []
    flagged = []
    present: dict[str, bool] = {}

    def has(word: str) -> bool:
        if word not in present:
            present[word] = word in low
        return present[word]

    for family, pattern, needs in families:
        if needs is not None and not any(all(any(has(w) for w in strings) for strings in phrase) for phrase in needs):
            continue  # no phrase of the family can match: a word each needs is missing
        for match in pattern.finditer(low):
            start, end = match.span()
            if family.get("negatable") and _negated(text[:start], negation, not_negation, clause):
                continue
            if family.get("cited") and _cited(text, start, end):
                continue
            if any(start < b and a < end for a, b in taken):
                continue  # one phrase, one problem, even when two families name it
            first, last = text.count("\n", 0, start) + 1, text.count("\n", 0, end) + 1
            shown = " ".join(text[start:end].split())
            key = next((n for n in range(first, last + 1) if _norm(shown) in allowed.get(n, [])), None)
            if key is not None:
                allowed[key].remove(_norm(shown))
                continue
            taken.append((start, end))
            flagged.append((first, start, family, shown))
    for line, _start, family, shown in sorted(flagged, key=lambda f: f[1]):
        problems.append(Problem(
            path, line, "claim-flagged",
            f"'{shown}' is a claim regulators flag in health marketing ({family['family']}: {family['says']})",
            "say what the evidence shows instead, or, if a clinician who did not write the article approved this exact "
            f"use, add '<!-- allow-claim: {shown}; reviewer: KEY -->' on the same line, KEY being "
            + people.choices(settings, authors)))
    return sorted(problems, key=lambda p: p.line)
