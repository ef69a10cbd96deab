#!/usr/bin/env python3
"""Rewrite every article and page header as YAML front matter, the format the CMS at /admin/ writes.

    .venv/bin/python scripts/migrate_front_matter.py          # rewrite content/ in place, list what changed
    .venv/bin/python scripts/migrate_front_matter.py --check  # change nothing; exit 1 if a file is left
    .venv/bin/python scripts/migrate_front_matter.py --content DIR   # another content folder

`Key: value` lines become `key: value` (keys in lowercase), `Tags: a, b` a list, and a value continued
on lines indented by four spaces (`Key_points:` and its points) a list with one item per line. The body
is kept byte for byte. A file already in YAML is left as it is, so the script can run again after others
have edited the articles in the old grammar; a file whose header the build would refuse is named and
left alone (exit 1). The logic is clinic.source.front_matter.from_meta, which the tests hold to the build's
rules: every rule reports the same problem on the same line, moved as the header moved.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from clinic.source.front_matter import NotMigrated, from_meta  # noqa: E402
from clinic.source.preflight import sources  # noqa: E402


def main(argv: list[str]) -> int:
    check = "--check" in argv
    content = Path(argv[argv.index("--content") + 1]).resolve() if "--content" in argv else ROOT / "content"
    settings = {"PATH": str(content), "ARTICLE_PATHS": ["articles"], "PAGE_PATHS": ["pages"]}
    failed = left = 0
    for path in [p for paths in sources(settings).values() for p in paths]:
        text = path.read_text(encoding="utf-8-sig")
        try:
            new, _lines = from_meta(text)
        except NotMigrated as error:
            print(f"{path.relative_to(content.parent)}: not migrated, {error}; fix the header, then run this again", file=sys.stderr)
            failed += 1
            continue
        if new == text:
            continue
        left += 1
        if not check:
            path.write_text(new, encoding="utf-8")
        print(f"{path.relative_to(content.parent)}: {'would be migrated' if check else 'migrated'}")
    return 1 if failed or (check and left) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
