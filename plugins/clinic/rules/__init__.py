"""The rules: pure functions from one article (its metadata, facts and source text) to Problems.

Each module is one family, each rule has a stable id with a row in docs/rules.md. The plugin runs
`check_article` on every published article (and lists a draft's problems without failing the preview).
"""

from __future__ import annotations

from clinic.problems import Problem
from clinic.rules import affiliate, editorial, guide, plain, safety

ARTICLE_RULES = [*editorial.RULES, *safety.RULES, *plain.RULES, *guide.RULES, *affiliate.RULES]


def check_article(article, settings, source: str) -> list[Problem]:
    return [problem for rule in ARTICLE_RULES for problem in rule(article, settings, source)]
