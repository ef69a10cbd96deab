"""Drafts in a development build: checked by the same rules as published articles, reported as warnings.

A draft is work in progress, so its problems never stop the preview; they are listed so the writer
can fix them before deleting `Status: draft`, when the same rules start to fail the build. Production
(publishconf.py, DRAFT_SAVE_AS = "") writes no drafts, so there is nothing to report there.
"""

from __future__ import annotations

import sys

from pelican.generators import ArticlesGenerator

from . import rules
from .newpost import unfinished
from .problems import Problem, relative


def draft_problems(drafts, settings: dict) -> list[Problem]:
    problems = []
    for draft in drafts:
        with open(draft.source_path, encoding="utf-8") as handle:
            source = handle.read()
        problems += rules.check_article(draft, settings, source)
        problems += unfinished(relative(draft.source_path), source, settings.get("NEWPOST_TODO_MARKER", "TODO"))
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
