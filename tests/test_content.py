"""The clinic's library: every article complete, cited from the verified list, and written fresh."""

import re
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import article_sources, metadata_of
from textmatch import fingerprints, reference_urls, words

DATA = Path(__file__).parent / "data"
SEED_PRINTS = set(DATA.joinpath("seed_fingerprints.txt").read_text().split())
# Everything above the "Not verified" heading of the clinic's reference list.
VERIFIED = set(reference_urls((DATA.parent.parent / "docs/references.md").read_text().split("## Not verified")[0]))


def body_of(source: Path) -> str:
    return source.read_text(encoding="utf-8").split("\n\n", 1)[1]


def test_the_library_has_the_seven_planned_articles():
    assert len(article_sources()) >= 7


def test_every_article_carries_the_required_metadata(settings):
    for source in article_sources():
        meta = metadata_of(source)
        for field in settings["REQUIRED_METADATA"]:
            assert meta.get(field), f"{source.name}: '{field}' is missing"
        assert meta["category"] in settings["CATEGORIES"], source.name
        assert meta["author"] in settings["PEOPLE"] and meta["reviewer"] in settings["PEOPLE"], source.name
        sentences = [s for s in re.split(r"(?<=[.?!])\s+", meta["summary"]) if s]
        assert 1 <= len(sentences) <= 2, f"{source.name}: the summary should be one or two sentences"


def test_every_article_is_700_to_1500_words():
    for source in article_sources():
        prose = "\n".join(line for line in body_of(source).splitlines() if not line.startswith("[^"))
        assert 700 <= len(words(prose)) <= 1500, f"{source.name}: {len(words(prose))} words"


def test_every_article_cites_at_least_two_verified_sources_on_its_built_page(site):
    for source in article_sources():
        page = site / "articles" / metadata_of(source)["slug"] / "index.html"
        notes = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("div.footnote li")
        cited = [a["href"] for li in notes for a in li.find_all("a", href=re.compile("^https?://"))]
        assert len(cited) >= 2, f"{source.name} cites {len(cited)} sources"
        unverified = [url for url in cited if url not in VERIFIED]
        assert not unverified, f"{source.name} cites sources not in the verified list: {unverified}"


def test_every_article_links_to_a_related_article():
    for source in article_sources():
        assert "{filename}" in body_of(source), f"{source.name} links to no other article"


def test_no_run_of_eight_words_from_a_seed_appears_in_content():
    for path in sorted(Path("content").rglob("*.md")):
        reused = fingerprints(path.read_text(encoding="utf-8")) & SEED_PRINTS
        assert not reused, f"{path} repeats {len(reused)} eight-word run(s) from the seed articles"


def test_the_seed_check_sees_a_copied_run_of_eight_words():
    seed = "one two three four five six seven eight nine"
    copied = "A new sentence, then: One two three four five six seven eight, and more."
    rephrased = "one two three four five six seven and nine"
    assert fingerprints(copied) & fingerprints(seed)
    assert not fingerprints(rephrased) & fingerprints(seed)
