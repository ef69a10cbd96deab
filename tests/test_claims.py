"""claim-flagged by class: each family of claims the FTC guidance and the 2023 ketamine-advertising study
name is refused by rule id, file and line in a real build, and the honest wording beside it passes.

Two fixture sites hold one article per case (two builds in all, not one per phrase): every bad case must
be reported at its own file:line, and the site of good cases must build with no problem at all.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from clinic.rules import editorial as rules
from conftest import FIRST_NEW_LINE, GOOD_ARTICLE, build_site_from

BODY_LINE = FIRST_NEW_LINE  # where with_case() puts a case's first line

# (family, text, line of the flagged phrase within the text). "\n" is a line break inside a paragraph.
BAD = [
    ("cure", "Ketamine is a cure for CRPS.", 0),
    ("cure", "Ketamine is not a cure, but it cures nerve pain for many.", 0),
    ("cure", "There is no cure and ketamine cures it anyway.", 0),
    ("cure", "Ketamine CURED my pain.", 0),
    ("cure", "It is a cure\u2010all for pain.", 0),
    ("cure", "Our infusions heal nerve damage permanently.", 0),
    ("cure", "This is a permanent fix for CRPS.", 0),
    ("cure", "It ends your pain for good.", 0),
    ("cure", "Not only does it relieve pain, it cures it.", 0),
    ("cure", "**Ketamine** is a *cure* for pain.", 0),
    ("cure", "Ketamine is a real\ncure for nerve pain.", 1),
    ("cure", "It is a cu\u00adre for pain.", 0),
    ("cure", "Pain relief that lasts forever.", 0),
    ("cure", "![Ketamine cures pain]({static}/images/pain.svg)", 0),
    ("cure", '![A diagram of a nerve]({static}/images/pain.svg "Ketamine cures nerve pain | Illustration: the clinic")', 0),
    ("non-addictive", "Ketamine is not addictive.", 0),
    ("non-addictive", "Ketamine is non-addictive.", 0),
    ("non-addictive", "Ketamine isn\u2019t addictive in the way opioids are.", 0),
    ("non-addictive", "No, ketamine is not habit forming.", 0),
    ("non-addictive", "Without the dangers of opioids, it is nonaddictive.", 0),
    ("non-addictive", "There is no risk of addiction.", 0),
    ("non-addictive", "There is zero risk of dependence.", 0),
    ("non-addictive", "You can\u2019t get addicted to it.", 0),
    ("non-addictive", "You won't become dependent on it.", 0),
    ("non-addictive", "It does not cause addiction.", 0),
    ("non-addictive", "Addiction is not a concern with ketamine.", 0),
    ("non-addictive", "Don't worry about getting addicted.", 0),
    ("non-addictive", "It is not addicting.", 0),
    ("non-addictive", "There is zero addiction risk.", 0),
    ("fda-approved", "Ketamine is FDA-approved for depression.", 0),
    ("fda-approved", "It is approved by the FDA for chronic pain.", 0),
    ("fda-approved", "Ketamine is FDA cleared for anxiety.", 0),
    ("fda-approved", "The FDA has approved ketamine infusions for the treatment of chronic pain.", 0),
    ("fda-approved", "Ketamine was approved for PTSD by the U.S. Food and Drug Administration.", 0),
    ("fda-approved", "It is an FDA\u2011approved treatment for mood disorders.", 0),
    ("fda-approved", "A depression treatment approved by the FDA.", 0),
    ("fda-approved", "Ketamine is FDA\napproved for pain.", 0),
    ("fda-approved", "Ketamine is approved to treat depression.", 0),
    ("fda-approved", "Our FDA-approved ketamine infusions.", 0),
    ("no-side-effects", "There are no side effects.", 0),
    ("no-side-effects", "It has no serious side effects.", 0),
    ("no-side-effects", "It doesn't have any side effects.", 0),
    ("no-side-effects", "It is free of side effects.", 0),
    ("no-side-effects", "It relieves pain without side effects.", 0),
    ("no-side-effects", "It is side-effect-free.", 0),
    ("no-side-effects", "It is side effect free.", 0),
    ("no-side-effects", "It is completely safe.", 0),
    ("no-side-effects", "It is 100% safe.", 0),
    ("no-side-effects", "The treatment is risk free.", 0),
    ("no-side-effects", "Safe and effective relief.", 0),
    ("no-side-effects", "It has minimal side effects.", 0),
    ("no-side-effects", "Ketamine is very safe.", 0),
    ("success-rate", "It works for 70% of patients.", 0),
    ("success-rate", "It helps 8 in 10 people.", 0),
    ("success-rate", "A 90% success rate.", 0),
    ("success-rate", "Nine out of ten patients feel better.", 0),
    ("success-rate", "70 percent of patients respond.", 0),
    ("success-rate", "It has a success rate of 90%.", 0),
    ("success-rate", "It works for\n70% of patients.", 0),
    ("success-rate", "7/10 patients get relief.", 0),
    ("success-rate", "It reduces pain by 80%.", 0),
    ("success-rate", "Ketamine worked in 44% of treatment courses. The study was small.[^raja]", 0),
    ("guarantee", "Results are guaranteed.", 0),
    ("hype", "Ketamine is a \u201cwonder drug\u201d.", 0),
    ("hype", "A true miracle for nerve pain.", 0),
    ("hype", 'See the <abbr title="a miracle drug">term</abbr> explained.', 0),
]

ALLOWED = ("Esketamine was approved by the FDA in 2019 for adults with treatment-resistant depression <!-- allow-claim: "
           "approved by the FDA in 2019 for adults with treatment-resistant depression; reviewer: example-physician -->, "
           "in certified clinics.")
GOOD = [
    "Ketamine is not a cure.", "No treatment here is a cure.", "There is no cure for CRPS yet.",
    "There is, sadly, no\ncure for CRPS.", "Ketamine does not cure nerve pain.", "It cannot be cured.",
    "Nothing we offer is a cure-all.", "The tissue heals, and the pain fades.",
    "The FDA has not approved it for pain.", "Ketamine is not FDA-approved for any psychiatric disorder.",
    "Ketamine has never been approved by the FDA for pain.", "Is ketamine approved for chronic pain?",
    "Ketamine is approved as an anesthetic and used off-label for pain.",
    "That approval covers depression only; it is not an approval for pain.",
    "Ketamine is approved in the United States as an anesthetic. Using it to treat chronic pain is off-label: "
    "clinicians may prescribe it this way, but the FDA has not approved it for pain.",
    "Look for packaging that states the device is FDA-cleared for over-the-counter use.",
    "Ketamine can cause dependence, and the risk is greatest with frequent use.", "Is ketamine addictive?",
    "No treatment is risk-free.", "No medicine is free of side effects.", "No drug is without side effects.",
    "Ketamine is not completely safe.", "Side effects include nausea and dizziness.",
    "Ask when it is safe to drive again.", "Ask whether it is safe with your other medicines.", "There is no guarantee of relief.", "Ketamine is not a miracle.",
    "Breakthrough pain can happen between doses.",
    "Oral ketamine worked in 44% of treatment courses and partly worked in another 20%.[^raja]",
    "About half of patients had side effects, and eight stopped treatment.",
    "Side effects were reported by 76% of people given ketamine.", "Chronic pain affects about 1 in 5 adults.",
    "A secure room and a procurement note.",
    "[A sleep study](https://example.org/cure-study) and <https://example.org/miracle>.",
    ALLOWED,
]


def with_case(number: int, text: str, *, title: str = "", summary: str = "", tags: str = "") -> str:
    """GOOD_ARTICLE with its own title and slug, and `text` as a paragraph starting at BODY_LINE."""
    article = GOOD_ARTICLE.replace("A fixture article about sleep and pain", title or f"Fixture case {number}")
    article = article.replace("Slug: fixture-article", f"Slug: case-{number}")
    if summary:
        article = article.replace("Summary: A short fixture article used by the tests.", f"Summary: {summary}")
    if tags:
        article = article.replace("Tags: sleep, evidence", f"Tags: {tags}")
    head, footnotes = article.split("\n\n[^raja]:")
    assert head.count("\n") + 3 == BODY_LINE
    return f"{head}\n\n{text}\n\n[^raja]:{footnotes}"


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>A nerve</title>'
       '<rect width="10" height="10"/></svg>')

HEADER_CASES = [  # (field, its line, bad text)
    ("title", 1, "Ketamine: the cure for nerve pain"),
    ("summary", 7, "Why ketamine is non-addictive and FDA-approved for pain."),
    ("tags", 5, "sleep, cure"),
]


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory):
    files = {f"articles/bad-{i}.md": with_case(i, text) for i, (_family, text, _line) in enumerate(BAD)}
    files["images/pain.svg"] = SVG
    for field, _line, text in HEADER_CASES:
        files[f"articles/head-{field}.md"] = with_case(900 + len(files), "Poor sleep matters.",
                                                       **{field: text})
    return build_site_from(tmp_path_factory.mktemp("bad-claims"), files)


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    files = {f"articles/good-{i}.md": with_case(i, text) for i, text in enumerate(GOOD)}
    return build_site_from(tmp_path_factory.mktemp("good-claims"), files)


def lines_for(result, name: str) -> list[str]:
    return [line for line in result.lines if re.match(rf"^(.*/)?content/articles/{re.escape(name)}:", line)]


@pytest.mark.parametrize("index", range(len(BAD)), ids=[f"{f}: {t[:40]}" for f, t, _ in BAD])
def test_each_bad_claim_is_refused_by_rule_file_and_line(bad_build, index):
    family, text, offset = BAD[index]
    assert bad_build.returncode == 1 and "Traceback" not in bad_build.stderr
    assert not bad_build.output.exists(), "a refused build must not leave an output directory"
    found = lines_for(bad_build, f"bad-{index}.md")
    expected = rf"^(.*/)?content/articles/bad-{index}\.md:{BODY_LINE + offset}: claim-flagged: '.+' is a claim .*\({re.escape(family)}: .+; .+"
    assert any(re.match(expected, line) for line in found), "\n".join(found) or bad_build.stderr[-3000:]
    # Only the claim rule speaks of the claim (other rules may name the case's wording: an abbreviation).
    assert all(": claim-flagged: " in line for line in found if ": abbreviation-unexplained: " not in line), found


@pytest.mark.parametrize("field, line, text", HEADER_CASES)
def test_claims_in_the_title_and_summary_are_refused_at_their_line(bad_build, field, line, text):
    found = lines_for(bad_build, f"head-{field}.md")
    assert found and all(re.search(rf"\.md:{line}: claim-flagged: ", f) for f in found), found


@pytest.mark.parametrize("index", range(len(GOOD)), ids=[t[:40] for t in GOOD])
def test_each_honest_wording_passes(good_build, index):
    assert lines_for(good_build, f"good-{index}.md") == []
    assert good_build.returncode == 0, good_build.stderr[-3000:]


def test_an_allowed_claim_is_published_without_its_marker_or_the_space_before_it(good_build):
    page = good_build.output / "articles" / f"case-{GOOD.index(ALLOWED)}" / "index.html"
    text = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")).replace("&nbsp;", " ").replace("\xa0", " ")
    assert "treatment-resistant depression, in certified clinics" in text
    assert "allow-claim" not in page.read_text(encoding="utf-8")


# --- The rule on its own: negation, the settings' notices, and the reviewer's allow marker -----------

def claims(settings, body: str, author: str = "example-writer"):
    source = f"Title: T\nAuthor: {author}\n\n{body}\n"
    article = SimpleNamespace(source_path="content/articles/x.md", metadata={})
    return [(p.line - 3, p.rule) for p in rules.check_claims(article, settings, source)]


def test_the_notices_in_settings_pass_the_rule(settings):
    for name in ("OFFLABEL_NOTICE", "MEDICAL_DISCLAIMER", "EMERGENCY_NOTICE", "AFFILIATE_NOTICE"):
        assert claims(settings, settings[name]) == [], name


def test_a_negation_reaches_only_to_the_end_of_its_clause(settings):
    assert claims(settings, "There is no cure.") == []
    for bad in ("There is no cure; ketamine cures it.", "No cure exists, yet ketamine cures it.",
                "Nobody denies it (ketamine cures pain).", "- There is no cure\n- Ketamine cures pain"):
        assert (2 if bad.startswith("-") else 1, "claim-flagged") in claims(settings, bad), bad
    assert claims(settings, "There is no\n\ncure.") == [(3, "claim-flagged")], "a paragraph break ends the clause"


def test_the_allow_marker_allows_one_occurrence_named_by_a_clinician(settings):
    marker = "<!-- allow-claim: cure; reviewer: example-physician -->"
    assert claims(settings, f"The word cure {marker} is quoted here.") == []
    assert claims(settings, f"A cure and a cure {marker}.") == [(1, "claim-flagged")]
    assert claims(settings, f"A cure {marker}\nAnother cure.") == [(2, "claim-flagged")]
    long = "approved by the FDA in 2019 for adults with treatment-resistant depression"
    assert claims(settings, f"Esketamine was {long} <!-- allow-claim: {long}; reviewer: example-pharmacist -->.") == []


@pytest.mark.parametrize("reviewer, author, rule", [
    ("somebody", "example-writer", "person-unknown"),
    ("example-writer", "example-physician", "reviewer-not-clinician"),
    ("example-physician", "example-physician", "reviewer-is-author"),
])
def test_an_allow_marker_must_name_a_clinician_who_is_not_the_author(settings, reviewer, author, rule):
    found = claims(settings, f"Intro.\nA cure <!-- allow-claim: cure; reviewer: {reviewer} -->.", author)
    assert sorted(found) == [(2, "claim-flagged"), (2, rule)]
    article = SimpleNamespace(source_path="content/articles/x.md", metadata={})
    problems = rules.check_claims(article, settings, f"Author: {author}\n\nA cure "
                                                     f"<!-- allow-claim: cure; reviewer: {reviewer} -->.\n")
    may = [key for key, person in settings["PEOPLE"].items()
           if person.get("role") in settings["REVIEWER_ROLES"] and key != author]
    assert len(problems) == 2 and may
    for problem in problems:  # each names who may review, never the writer nor the author
        assert all(key in problem.fix for key in may), problem.fix
        assert "example-writer" not in problem.fix and f"{author} (" not in problem.fix, problem.fix


def test_every_family_has_its_source_in_docs_rules(settings):
    from conftest import ROOT

    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for family in settings["FLAGGED_CLAIMS"]:
        row = next((line for line in docs.splitlines() if line.startswith(f"| `{family['family']}`")), "")
        assert re.search(r"FTC|Crane|FDA|Morgan|Sigtermans|Marchetti", row), family["family"]
