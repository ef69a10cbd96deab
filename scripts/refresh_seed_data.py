"""Refresh what the project keeps of ../shared/: the verified reference list (docs/references.md) and the
seeds' fingerprints (tests/data/, never the seeds' text). Run after either changes in shared/:

    .venv/bin/python scripts/refresh_seed_data.py
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import shutil  # noqa: E402

from textmatch import fingerprints  # noqa: E402

SHARED = ROOT.parent / "shared"


def main() -> None:
    prints = set()
    for seed in sorted((SHARED / "seeds").glob("0*.txt")):
        prints |= fingerprints(seed.read_text(encoding="utf-8"))
    (ROOT / "tests/data/seed_fingerprints.txt").write_text("\n".join(sorted(prints)) + "\n", encoding="utf-8")
    shutil.copy(SHARED / "references.md", ROOT / "docs/references.md")


if __name__ == "__main__":
    main()
