"""Regenerate tests/data/ from ../shared/: seed fingerprints (never the seeds' text) and the verified
reference URLs. Run after shared/seeds or shared/references.md change:

    .venv/bin/python scripts/refresh_seed_data.py
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from textmatch import fingerprints, reference_urls  # noqa: E402

SHARED = ROOT.parent / "shared"


def main() -> None:
    prints = set()
    for seed in sorted((SHARED / "seeds").glob("0*.txt")):
        prints |= fingerprints(seed.read_text(encoding="utf-8"))
    (ROOT / "tests/data/seed_fingerprints.txt").write_text("\n".join(sorted(prints)) + "\n", encoding="utf-8")
    verified = (SHARED / "references.md").read_text(encoding="utf-8").split("## Not verified")[0]
    (ROOT / "tests/data/reference_urls.txt").write_text("\n".join(reference_urls(verified)) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
