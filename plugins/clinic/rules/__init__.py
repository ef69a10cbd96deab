"""The rules: pure functions from one article (its metadata, facts and source text) to Problems.

Each module is one family, each rule has a stable id with a row in docs/rules.md. Most rules judge a file
alone (its text, its header as read, its body, the settings): they run as the file is read (reading.py),
so full builds share them among the reading workers and Pelican's content cache keeps their answer for
an unchanged file. The few that need the finished site (today's date, the other files a link names, the
summary Pelican makes) run on Pelican's article. The plugin runs `check_article` on every published
article (and lists a draft's problems without failing the preview).
"""

from __future__ import annotations

from clinic.problems import Problem
from clinic.rules import affiliate, editorial, guide, plain, safety

SITE_RULES = [editorial.check_review, safety.check_links, *affiliate.RULES]
FILE_RULES = [rule for rule in [*editorial.RULES, *safety.RULES, *plain.RULES, *guide.RULES]
              if rule not in SITE_RULES]


def check_file(item, settings, source: str) -> list[Problem]:
    return [problem for rule in FILE_RULES for problem in rule(item, settings, source)]


def check_article(article, settings, source: str) -> list[Problem]:
    """Every rule's problems: the file rules' as the reader recorded them (file_problems), the site rules' now."""
    found = getattr(article, "file_problems", None)
    if found is None:  # read by another reader: placement.py names the file, and the rules still judge it
        found = check_file(article, settings, source)
    return [*found, *(problem for rule in SITE_RULES for problem in rule(article, settings, source))]
