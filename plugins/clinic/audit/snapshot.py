"""What the output audit reads of a built site: each page and feed as a job, each stylesheet's text, read
at once so the build can go on adding files beside them; and which pages are articles or off-label."""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from clinic.audit.output_paths import Places, paginated
from clinic.tree import parsed


def article_glob(settings) -> str:
    return re.sub(r"\{[^}]+\}", "*", settings["ARTICLE_SAVE_AS"])


@dataclass
class Snapshot:
    """What the audit reads of an output directory: each page and feed as a job, each stylesheet's text."""
    pages: list
    feeds: list
    stylesheets: list[tuple[str, str]]

    def parts(self, count: int) -> list["Snapshot"]:
        """`count` snapshots that together hold this one, each to be audited on its own: the pages dealt
        in turn, the feeds (their entries share a memo) and the stylesheets in the first."""
        count = max(1, count)
        return [Snapshot(self.pages[i::count], self.feeds if i == 0 else [], self.stylesheets if i == 0 else [])
                for i in range(count)]


def read_output(output: Path, settings) -> Snapshot:
    """Read, now, every file the audit checks, so the build can go on adding files (the search index,
    compressed copies) while the audit works through them."""
    output = Path(output)
    pattern = article_glob(settings)
    offlabel = offlabel_pages(output, settings)
    places = Places(settings)
    # The writers' editor (/admin/) is no public page: cms_admin.check_admin holds it to its own rules.
    admin = settings.get("CMS_ADMIN_PATH")
    pages, feeds, stylesheets = [], [], []
    for rel in _ours(output, settings["SEARCH_INDEX_PATH"]):
        if admin and rel.startswith(admin.strip("/") + "/"):
            continue
        if rel.endswith(".css"):
            stylesheets.append((rel, (output / rel).read_text(encoding="utf-8")))
        elif places.is_feed(rel, output / rel):
            feeds.append(("feed", rel, (output / rel).read_bytes(), False, False))
        elif places.is_page(rel):
            # Listings (every page of each, where the settings put them) show articles' titles and summaries.
            kind = "listing" if places.is_listing(rel) else "page"
            pages.append((kind, rel, (output / rel).read_bytes(), fnmatch.fnmatch(rel, pattern), rel in offlabel))
    return Snapshot(pages, feeds, stylesheets)


def _ours(output: Path, index: str) -> list[str]:
    """Every file outside the search index, which Pagefind may be writing meanwhile (its unused interface's
    stylesheets are deleted when it ends, and the rest is not ours to audit), in one walk of the output."""
    found = []
    for folder, dirs, names in os.walk(output):
        rel_folder = os.path.relpath(folder, output).replace(os.sep, "/")
        if rel_folder == ".":
            dirs[:] = [d for d in dirs if d != index]
        found += [name if rel_folder == "." else f"{rel_folder}/{name}" for name in names]
    return sorted(found, key=lambda rel: rel.split("/"))


def offlabel_pages(output: Path, settings) -> set[str]:
    """Article pages listed on the off-label categories' and tags' own pages (every page of each list)."""
    from pelican.utils import slugify

    subs = settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
    lists = [(settings["CATEGORY_SAVE_AS"], name) for name in settings.get("OFFLABEL_CATEGORIES", [])]
    lists += [(settings["TAG_SAVE_AS"], name) for name in settings.get("OFFLABEL_TAGS", [])]
    article_url = re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(settings["ARTICLE_URL"])) + "$")
    pages = set()
    for save_as, name in lists:
        first_page = save_as.format(slug=slugify(name, regex_subs=subs))
        for listing in sorted({path for glob in paginated(first_page, settings) for path in output.glob(glob)}):
            if not listing.is_file():
                continue
            main = first(parsed(listing.read_text(encoding="utf-8")), "main")
            for link in (main.iter("a") if main is not None else []):
                path = urlsplit(link.get("href") or "").path.lstrip("/")
                if article_url.match(path):
                    pages.add(path + "index.html" if path.endswith("/") else path)
    return pages


def first(root, tag: str):
    return next(root.iter(tag), None)
