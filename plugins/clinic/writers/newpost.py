"""Start a new article: a draft whose every header field is filled in or marked for the writer.

The draft builds as it is (to drafts/ in development, nowhere in production). A writer finishes it by
replacing each TODO marker with a value and setting `status: published`; nothing else.
Pure functions below; `invoke new-post` is the thin task that calls `create()`.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from pelican.utils import slugify

from clinic.source import dates, front_matter, people, preflight
from clinic.problems import Problem, relative, setting_line



class NewPostError(Exception):
    """Why the post was not created: one Problem per reason."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def slug_for(title: str, settings: dict) -> str:
    """The slug Pelican itself would make from the title."""
    return slugify(title, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []))


def header_of(source: str) -> dict[str, str | list[str]]:
    """The header fields, lowercase key -> value (a list for a YAML list), as the build reads them."""
    return {key: value for key, (_line, value) in preflight.header(source)[0].items()}


def tags_in_use(articles_dir: Path) -> list[str]:
    """Tags already used by articles, so a new post reuses them and tag pages group related posts."""
    tags = set()
    for path in sorted(Path(articles_dir).glob("*.md")):
        value = header_of(path.read_text(encoding="utf-8")).get("tags", "")
        items = value if isinstance(value, list) else value.split(",")
        tags |= {t.strip().lower() for t in items if t.strip() and "TODO" not in t}
    return sorted(tags)


def slugs_in_use(articles_dir: Path) -> dict[str, Path]:
    """slug -> file, for every article (a file's own name counts as its slug when it sets none)."""
    used = {}
    for path in sorted(Path(articles_dir).glob("*.md")):
        used[path.stem] = path
        slug = header_of(path.read_text(encoding="utf-8")).get("slug")
        if slug:
            used[slug] = path
    return used


def _author(key: str | None, settings: dict, marker: str) -> str:
    return key or f"{marker} author: one of {', '.join(settings.get('PEOPLE', {}))}"


def _reviewer(key: str | None, author: str | None, settings: dict, marker: str) -> str:
    """The reviewer, or the clinicians who may review (never the author) and what to do when they have."""
    if key:
        return key
    who = people.choices(settings, [author] if author else [])
    return f"{marker} reviewer: a clinician who did not write the article, {who}; {REVIEW_HINT}"


# last_reviewed stays empty, not marked: the build rejects a date field it cannot read even in a
# draft, while an empty one is only reported (and fails the build once the draft line is gone).
REVIEW_HINT = "the day the reviewer signs off, write that date (YYYY-MM-DD) in last_reviewed and modified"


def render(title: str, category: str, slug: str, today: datetime.date, settings: dict, *,
           tags: list[str] = (), author: str | None = None, reviewer: str | None = None) -> str:
    """The draft's text, YAML front matter as the CMS writes it. Every line the writer must change
    carries the marker (TODO)."""
    todo = settings.get("NEWPOST_TODO_MARKER", "TODO")
    tag_hint = f" from: {', '.join(tags)}" if tags else ""
    fields = [
        ("title", title), ("date", str(today)), ("modified", str(today)), ("category", category),
        ("tags", [f"{todo} 2-4 lowercase tags, one per line, reusing existing ones{tag_hint}"]),
        ("slug", slug),
        ("summary", f"{todo} one or two plain sentences saying what the reader will learn (no links, no markup)."),
    ]
    if settings.get("KEY_POINTS_MIN"):
        fields.append(("key_points", [f"{todo} key point {n}: one plain sentence a reader should take away."
                                      for n in range(1, settings["KEY_POINTS_MIN"] + 1)]))
    fields += [
        ("author", _author(author, settings, todo)),
        ("reviewer", _reviewer(reviewer, author, settings, todo)),
        ("last_reviewed", ""),
        ("status", "draft"),
    ]
    return "\n".join(front_matter.dump(fields)) + f"""

{todo} first paragraph: who this article is for and what it covers, in a calm voice a patient can follow.

## {todo} first section heading

{todo} body text. Put a footnote marker right after each claim a source supports, like this.[^{todo}-first-source]
Cite at least two sources, only from the clinic's verified reference list.[^{todo}-second-source]

[^{todo}-first-source]: {todo} copy the first reference exactly as the reference list writes it, then its DOI or URL in angle brackets.
[^{todo}-second-source]: {todo} copy the second reference the same way, and rename both footnote keys (for example orhurhu2019).
"""


def check(title: str, category: str, slug: str, settings: dict, articles_dir: Path, *,
          author: str | None = None, reviewer: str | None = None) -> list[Problem]:
    """Reasons not to create the post, one Problem each (empty when it may be created)."""
    # Nothing is written when these are found, so each names where its answer is: the folder the draft
    # would go to (which has no lines), the settings line that lists the choices, or the file in the way.
    folder = relative(str(articles_dir))
    problems = []
    categories = settings.get("CATEGORIES", [])
    if not title.strip() or not slug:
        problems.append(Problem(folder, 0, "new-post-title", f"the title '{title}' gives no slug",
                                "give a title with letters or numbers in it"))
    if category not in categories:
        problems.append(Problem(*setting_line("CATEGORIES"), "new-post-category", f"'{category}' is not a category",
                                f"use one of: {', '.join(categories)}"))
    staff = settings.get("PEOPLE", {})
    if author and author not in staff:
        problems.append(Problem(*setting_line("PEOPLE"), "new-post-person", f"author '{author}' is not in PEOPLE",
                                f"use one of: {', '.join(staff)}"))
    wrong = people.reviewer_problem(reviewer, [author] if author else [], settings) if reviewer else None
    if wrong:
        problems.append(Problem(*setting_line("PEOPLE"), "new-post-reviewer", wrong[1], wrong[2]))
    existing = slugs_in_use(articles_dir).get(slug) if slug else None
    if existing is not None:
        text = existing.read_text(encoding="utf-8", errors="replace")
        written = preflight.header(text)[0].get("slug", (1, ""))
        line = written[0] if written[1] == slug else 1
        problems.append(Problem(relative(str(existing)), line, "new-post-exists", f"the slug '{slug}' is already used by this file",
                                "choose a different title, or edit that article instead"))
    return problems


def create(title: str, category: str, settings: dict, articles_dir: Path, *, today: datetime.date | None = None,
           author: str | None = None, reviewer: str | None = None) -> Path:
    """Write the draft and return its path; otherwise raise NewPostError and write nothing."""
    articles_dir = Path(articles_dir)
    slug = slug_for(title, settings)
    problems = check(title, category, slug, settings, articles_dir, author=author, reviewer=reviewer)
    if problems:
        raise NewPostError(problems)
    text = render(title, category, slug, today or dates.today(settings), settings,
                  tags=tags_in_use(articles_dir), author=author, reviewer=reviewer)
    path = articles_dir / f"{slug}.md"
    articles_dir.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
    return path
