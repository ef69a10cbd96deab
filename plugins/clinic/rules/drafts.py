"""Drafts (`status: draft`, or dated in the future) and the build.

In development a draft is checked by the same rules as a published article, but its problems are only
listed, never stop the preview: the writer fixes them before setting `status: published`, when the same rules
start to fail the build. Production (publishconf.py, DRAFT_SAVE_AS = "") writes no drafts, so there is
nothing to list there. Either way a published article may not link to a draft: in production it would
lead nowhere.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from urllib.parse import unquote

from pelican.generators import ArticlesGenerator

from clinic import rules
from clinic.source.markers import check_unfinished
from clinic.problems import Problem, line_of, relative

# Pelican's intra-site link forms; what follows is a path relative to the file, or to content/ with a /.
INTERNAL_LINK_RE = re.compile(r"(?:\{filename\}|\|filename\|)([^)\s\"'<>#?]+)")


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


def links_to_drafts(articles, drafts, settings: dict) -> list[Problem]:
    """Published articles linking to a draft or a future post: in production that link would lead nowhere."""
    unpublished = {os.path.realpath(d.source_path): d for d in drafts}
    problems = []
    for article in articles:
        with open(article.source_path, encoding="utf-8") as handle:
            source = handle.read()
        for match in INTERNAL_LINK_RE.finditer(source):
            rel = unquote(match.group(1))
            base = Path(settings["PATH"]) if rel.startswith("/") else Path(article.source_path).parent
            draft = unpublished.get(os.path.realpath(base / rel.lstrip("/")))
            if draft is None:
                continue
            why = ("it says 'status: draft'" if str(draft.metadata.get("status", "")).lower() == "draft"
                   else f"it is dated {draft.date:%Y-%m-%d}")
            problems.append(Problem(relative(article.source_path), line_of(source, match.group(0)), "link-to-draft",
                                    f"links to {rel}, which is not published yet ({why})",
                                    "remove the link until that article is published, or publish it first"))
    return problems
