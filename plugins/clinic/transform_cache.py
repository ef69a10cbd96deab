"""Reuse content.transform's result for unchanged article HTML across incremental builds.

With the content cache on, Pelican skips Markdown for unchanged files, but the one-parse rewrite
(content.transform: a BeautifulSoup parse and serialisation per article) still ran on every article: a
quarter of a one-article rebuild (benchmarks/build.py, profile at 300 articles). Its result depends only
on the HTML, the settings it reads, its own code and the image files whose sizes it reads, so it is kept
in CACHE_PATH/transform under the sha256 of all of those. Production builds (content cache off) never
use it.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import lru_cache
from pathlib import Path

from . import content, glossary
from .disk_cache import chosen_settings, code_digest, files_digest, remembered

SETTINGS = ("AFFILIATE_LINK_PATTERNS", "AFFILIATE_SEARCH_URL", "AFFILIATE_TAG", "AFFILIATE_REL", "SITEURL", "PATH",
            "GLOSSARY_PATH", "GLOSSARY_URL")
CODE = ("content.py", "affiliate.py", "images.py", "rules.py", "tree.py", "transform_cache.py", "glossary.py",
        "glossary_marks.py")
# Sources are what the HTML comes from; every other file under PATH may be an image whose size is read.
SOURCE_SUFFIXES = {".md", ".markdown", ".mkd", ".mdown", ".rst", ".html", ".htm"}


def transform(html: str, settings, mark_terms: bool = False) -> tuple[str, content.Facts]:
    if not settings.get("CACHE_CONTENT") or not settings.get("CACHE_PATH"):
        return content.transform(html, settings, mark_terms)
    chosen = chosen_settings(settings, SETTINGS)
    # The glossary (a .yml under PATH) is in the salt's file stats; its text is in the key as well, since
    # an edit within the same second and size would keep the stats.
    terms = glossary.text_of(settings) if mark_terms else ""
    key = hashlib.sha256(_salt(chosen, str(settings.get("PATH", ""))) + terms.encode("utf-8") + b"\0"
                         + html.encode("utf-8")).hexdigest()
    entry = Path(settings["CACHE_PATH"]) / "transform" / key
    return remembered(entry, lambda: content.transform(html, settings, mark_terms), dump=pickle.dumps,
                      load=pickle.loads)


def start_run(pelican=None) -> None:
    """Each Pelican run looks at the image files afresh (`invoke livereload` builds in one process)."""
    _salt.cache_clear()


@lru_cache(maxsize=4)
def _salt(chosen: str, content_root: str) -> bytes:
    """The settings, the code, and every non-source file under PATH (path, size, modification time)."""
    files = files_digest(content_root, skip_suffixes=SOURCE_SUFFIXES, with_stat=True)
    return hashlib.sha256(chosen.encode("utf-8") + code_digest(CODE) + files).digest()
