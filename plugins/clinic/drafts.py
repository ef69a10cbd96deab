"""Drafts in a development build: checked by the same rules as published articles, reported as warnings.

A draft is work in progress, so its problems never stop the preview; they are listed so the writer
can fix them before deleting `Status: draft`, when the same rules start to fail the build. Production
(publishconf.py, DRAFT_SAVE_AS = "") writes no drafts, so there is nothing to report there.
"""

from __future__ import annotations

import sys

from pelican.generators import ArticlesGenerator

from . import rules
from .newpost import check_unfinished
from .problems import Problem


def draft_problems(drafts, settings: dict) -> list[Problem]:
    problems = []
    for draft in drafts:
        with open(draft.source_path, encoding="utf-8") as handle:
            source = handle.read()
        todo = check_unfinished(draft, settings, source)
        marked = {p.line for p in todo}
        # On a line still marked TODO, the marker is the one thing to fix; a rule's complaint about it would repeat it.
        problems += todo + [p for p in rules.check_article(draft, settings, source) if p.line not in marked]
    return sorted(set(problems))


def warn_about_drafts(generators) -> None:
    for generator in generators:
        if not isinstance(generator, ArticlesGenerator) or not generator.settings.get("DRAFT_SAVE_AS"):
            continue
        drafts = [*generator.drafts, *generator.drafts_translations]
        problems = draft_problems(drafts, generator.settings)
        if problems:
            print(f"Drafts: {len(problems)} thing(s) to fix before publishing (the preview still builds):",
                  file=sys.stderr)
            for problem in problems:
                print(problem, file=sys.stderr)
