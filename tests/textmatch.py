"""Word runs and their fingerprints: how the tests tell whether content reuses a seed's sentences."""

from __future__ import annotations

import hashlib
import re

RUN = 8


def words(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)


def fingerprints(text: str, run: int = RUN) -> set[str]:
    """A short hash of every run of `run` consecutive words, so seeds are compared without copying them."""
    w = words(text)
    return {hashlib.sha256(" ".join(w[i:i + run]).encode()).hexdigest()[:16] for i in range(len(w) - run + 1)}


def reference_urls(markdown: str) -> list[str]:
    """The DOI or official URL of every entry in a reference list, in order."""
    return re.findall(r"(https?://\S+?)(?:\s|\*|$)", markdown)
