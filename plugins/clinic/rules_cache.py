"""Reuse the editorial rules' results for unchanged articles across incremental builds.

The rules cost an HTML parse and a scan of every source line for flagged claims per article: most of
the time the rules took in a one-article rebuild (profile). With the content cache on, their Problems
are kept in CACHE_PATH/rules under the sha256 of everything they read: the source text, the HTML, the
metadata, the source path and working directory (paths in messages), every setting the rules' code
names, that code itself, and the list of files under PATH (check_links asks whether a linked file
exists). Only review-overdue depends on today's date, so that rule always runs. An article whose links
could leave PATH ("../") is always checked afresh, since files outside PATH are not in the key.
Production builds and drafts (content cache off) never use it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path

from . import glossary, rules
from .disk_cache import chosen_settings, code_digest, files_digest, remembered, setting_names
from .problems import Problem

UNCACHED = {"check_review"}  # today's date decides it
CODE = ("rules.py", "claims.py", "people.py", "content_rules.py", "footnotes.py", "drafts.py", "tree.py", "problems.py",
        "preflight.py", "rules_cache.py", "plain_rules.py", "readability.py", "glossary.py", "guide_rules.py", "dates.py",
        "fields.py", "sanitise.py",
        "affiliate_rules.py", "affiliate.py")
# Relative paths that may climb out of PATH, written plainly or percent-encoded (the rules unquote them).
LEAVES_PATH = re.compile(r"\.\./|%2e|\.%2f", re.IGNORECASE)


def check_article(article, settings, source: str) -> list[Problem]:
    """rules.check_article, same Problems in the same order, with the results reused when nothing they read changed."""
    html = getattr(article, "_content", "") or ""
    if (not settings.get("CACHE_CONTENT") or not settings.get("CACHE_PATH")
            or LEAVES_PATH.search(source) or LEAVES_PATH.search(html)):
        return rules.check_article(article, settings, source)
    cached = [rule for rule in rules.ARTICLE_RULES if rule.__name__ not in UNCACHED]
    stored = _rule_problems(article, settings, source, html, cached)
    problems = []
    for rule in rules.ARTICLE_RULES:
        problems.extend(stored[rule.__name__] if rule in cached else rule(article, settings, source))
    return problems


def _rule_problems(article, settings, source, html, cached) -> dict[str, list[Problem]]:
    basis = json.dumps([
        os.getcwd(), str(article.source_path), source, html,
        {key: article.metadata[key] for key in sorted(article.metadata)},
        [rule.__module__ + "." + rule.__qualname__ for rule in cached],
        glossary.text_of(settings),  # the reading grade and the abbreviations depend on the glossary's terms
    ], default=str)
    salt = _salt(chosen_settings(settings, setting_names(CODE)), str(settings.get("PATH", "")))
    entry = Path(settings["CACHE_PATH"]) / "rules" / hashlib.sha256(salt + basis.encode("utf-8")).hexdigest()
    names = {rule.__name__ for rule in cached}

    def load(data: bytes):
        stored = json.loads(data)
        if set(stored) != names:
            raise ValueError("stored for other rules")
        return {name: [Problem(*fields) for fields in found] for name, found in stored.items()}

    def dump(result) -> bytes:
        return json.dumps({name: [[p.path, p.line, p.rule, p.message, p.fix] for p in found]
                           for name, found in result.items()}).encode("utf-8")

    return remembered(entry, lambda: {rule.__name__: rule(article, settings, source) for rule in cached},
                      dump=dump, load=load)


def start_run(pelican=None) -> None:
    """Each Pelican run lists the files afresh (`invoke livereload` builds in one process)."""
    _salt.cache_clear()


@lru_cache(maxsize=4)
def _salt(chosen: str, content_root: str) -> bytes:
    """The settings, the rules' code, and the path of every file under PATH (whether a linked file exists)."""
    return hashlib.sha256(chosen.encode("utf-8") + code_digest(CODE) + files_digest(content_root)).digest()
