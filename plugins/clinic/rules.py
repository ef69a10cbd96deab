"""Editorial rules: pure functions from one article (its metadata, facts and source text) to Problems.

Each rule has a stable id, listed in docs/writing.md with why it exists and how to fix it.
"""

from __future__ import annotations

from .problems import Problem, line_of, relative


def check_metadata(article, settings, source) -> list[Problem]:
    problems = []
    path = relative(article.source_path)
    for field in settings.get("REQUIRED_METADATA", []):
        if not article.metadata.get(field):
            problems.append(
                Problem(path, 1, "metadata-missing", f"the '{field.title()}:' field is missing or empty",
                        f"add a line '{field.title()}: ...' to the header at the top of the file")
            )
    return problems


def check_sources(article, settings, source) -> list[Problem]:
    minimum = settings.get("SOURCES_MIN", 2)
    found = len([s for s in getattr(article, "sources", []) if s])
    if found >= minimum:
        return []
    return [
        Problem(relative(article.source_path), _last_line(source), "sources-min",
                f"cites {found} source(s) with a link, needs at least {minimum}",
                "cite sources from the reference list as footnotes: '[^key]' in the text and "
                "'[^key]: Author. Title. Journal. Year. <https://doi.org/...>' at the end")
    ]


def _last_line(source: str) -> int:
    return max(1, source.rstrip("\n").count("\n") + 1)


ARTICLE_RULES = [check_metadata, check_sources]


def check_article(article, settings, source: str) -> list[Problem]:
    problems = []
    for rule in ARTICLE_RULES:
        problems.extend(rule(article, settings, source))
    return problems
