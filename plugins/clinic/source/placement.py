"""Every Markdown file under PATH is read as an article or a page, or named in an error; so is any other
file in the articles and pages folders, which the site would neither publish nor copy.

Pelican reads only the folders in ARTICLE_PATHS and PAGE_PATHS, only lowercase extensions its Markdown
reader knows, and skips names that match IGNORE_FILES (hidden names, by default): a file anywhere else
is left out without a word, and under STATIC_PATHS it is even copied to the site as raw text. What
Pelican read is taken from its generators once they are done, so this module never guesses at its
rules; it only says why a file was not read, and where it belongs. A file Pelican read with another
reader (`.html`, `.rst`) would skip the checks written for Markdown, so it is named too.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from clinic.problems import Problem, relative

# What writers and their editors call Markdown, in any case; Pelican reads the first four, in lowercase.
MARKDOWN_LIKE = (".md", ".markdown", ".mkd", ".mdown", ".mdwn", ".mkdn", ".mdtext", ".mdtxt")
READ_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
# An editor's backup or swap file beside the one it saved: not a writer's file, so not named.
LEFTOVERS = ("~", ".swp", ".swo", ".bak", ".orig", ".tmp")


def read_sources(generators) -> set[str]:
    """The real paths of every source Pelican read as an article or a page, in any status."""
    found = set()
    for generator in generators:
        for name in ("articles", "translations", "drafts", "drafts_translations", "hidden_articles",
                     "hidden_translations", "pages", "hidden_pages", "draft_pages", "draft_translations"):
            found |= {os.path.realpath(c.source_path) for c in getattr(generator, name, None) or []}
    return found


def _folders(settings: dict) -> str:
    root = Path(settings["PATH"])
    return " or ".join(f"{relative(str(root / sub))}/" for sub in settings.get("ARTICLE_PATHS", []) +
                       settings.get("PAGE_PATHS", []))


def _within(rel: Path, subs) -> bool:
    return any(rel == Path(sub) or Path(sub) in rel.parents for sub in subs)


def why_not_read(path: Path, settings: dict) -> tuple[str, str]:
    """(why Pelican did not read `path`, where it belongs or how to fix it)."""
    root = Path(settings["PATH"])
    rel = path.relative_to(root)
    articles, pages = settings.get("ARTICLE_PATHS", []), settings.get("PAGE_PATHS", [])
    ignores = settings.get("IGNORE_FILES", [])
    hidden = [part for part in rel.parts if any(fnmatch.fnmatch(part, pattern) for pattern in ignores)]
    if not (_within(rel, articles) or _within(rel, pages)):
        return ("is outside the folders the site reads, so it would not be published",
                f"move it into {relative(str(root / articles[0]))}/ if it is an article, or "
                f"{relative(str(root / pages[0]))}/ if it is a page (About, Contact, ...)" if articles and pages
                else f"move it into {_folders(settings)}")
    for kind, paths, other in (("ARTICLE", articles, pages), ("PAGE", pages, articles)):
        excluded = [e for e in settings.get(f"{kind}_EXCLUDES", []) if e not in other]  # Pelican adds the other kind's
        if _within(rel, paths) and _within(rel, excluded):
            return (f"is in a folder that {kind}_EXCLUDES leaves out ({', '.join(excluded)})",
                    f"move it out of that folder, or take the folder out of {kind}_EXCLUDES in pelicanconf.py")
    if hidden:
        return (f"is skipped: '{hidden[0]}' matches IGNORE_FILES ({', '.join(ignores)})",
                "rename it so that no part of its path matches (a draft says 'Status: draft' in its header instead)")
    if path.suffix not in READ_SUFFIXES:
        return (f"ends in '{path.suffix}', which Pelican does not read (it reads .md, in lowercase)",
                f"rename it to {path.stem}.md")
    return ("could not be read by Pelican (the lines above say why)", "fix what they name")


def unread_markdown(generators, settings: dict) -> list[Problem]:
    """A Problem for each Markdown file under PATH that Pelican did not read, and for each source it
    read that is not Markdown."""
    read = read_sources(generators)
    root = Path(settings["PATH"])
    folders = settings.get("ARTICLE_PATHS", []) + settings.get("PAGE_PATHS", [])
    problems = []
    for folder, dirs, files in os.walk(root, followlinks=True):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if os.path.realpath(path) in read or name.startswith(".") or name.endswith(LEFTOVERS):
                continue
            if any(suffix.lower() in MARKDOWN_LIKE for suffix in path.suffixes):
                what, fix = why_not_read(path, settings)
                if path.suffix.lower() not in MARKDOWN_LIKE:  # notes.md.txt
                    what, fix = (f"ends in '{path.suffix}', so Pelican does not read it",
                                 f"rename it to {name.split('.')[0]}.md")
                problems.append(Problem(relative(str(path)), 1, "file-ignored", f"this Markdown file {what}", fix))
            elif _within(path.relative_to(root), folders):
                problems.append(Problem(relative(str(path)), 1, "file-ignored",
                                        f"'{path.suffix or name}' is not Markdown, so the site would neither publish "
                                        "nor copy this file", "an article or page is a .md file; images and other "
                                        "files go in content/images/, linked as {static}/images/NAME"))
    for source in sorted(read):
        if Path(source).suffix not in READ_SUFFIXES:
            problems.append(Problem(relative(source), 1, "file-not-markdown",
                                    f"the site was going to publish a '{Path(source).suffix}' file, "
                                    "which skips the checks on Markdown",
                                    f"write it in Markdown as {Path(source).stem}.md, with the header the guide describes"))
    return problems
