"""Every editorial rule refuses a small bad site by rule id, file and line; the real content builds with every one on."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace

import pytest

from clinic.source import dates, front_matter
from clinic.rules import editorial as rules
from conftest import GOOD_ARTICLE

# Fixture builds measure the review interval to a fixed day, so they read the same next year.
TODAY = 'RULES_TODAY="2026-11-15"'
FIXTURE = "articles/fixture.md"


def with_line(text: str, after: str, line: str) -> str:
    """GOOD_ARTICLE with `line` inserted after the line starting with `after`."""
    return re.sub(rf"^({re.escape(after)}.*)$", lambda m: m.group(1) + "\n" + line, text, count=1, flags=re.M)


NO_SOURCES = GOOD_ARTICLE.split("[^raja]:")[0].replace("[^raja]", "").replace("[^treede]", "")
# (rule id, article text, extra settings, the line the problem must point at)
BAD = {
    "metadata-missing": (GOOD_ARTICLE.replace("Reviewer: example-physician\n", ""), [], 1),
    # preflight.py (safety) owns this id: Pelican cannot read a file whose Date does not parse.
    "date-unparseable": (GOOD_ARTICLE.replace("Last_reviewed: 2026-11-01", "Last_reviewed: 2026-11-31"), [], 10),
    "review-overdue": (GOOD_ARTICLE, ['RULES_TODAY="2027-11-02"'], 10),
    "review-in-future": (GOOD_ARTICLE, ['RULES_TODAY="2026-10-31"'], 10),
    "person-unknown": (GOOD_ARTICLE.replace("Reviewer: example-physician", "Reviewer: dr-nobody"), [], 9),
    # A writer may not review, and nobody reviews their own article (people.py, REVIEWER_ROLES).
    "reviewer-not-clinician": (GOOD_ARTICLE.replace("Reviewer: example-physician", "Reviewer: example-writer")
                               .replace("Author: example-writer", "Author: example-pharmacist"), [], 9),
    "reviewer-is-author": (GOOD_ARTICLE.replace("Author: example-writer", "Author: example-physician"), [], 9),
    # Two reviewers would reach the byline as a list: one article, one reviewer. (A second 'Reviewer:' line
    # is metadata-duplicate, found before the build; a continuation line is this rule's.)
    "person-duplicate": (GOOD_ARTICLE.replace("Reviewer: example-physician",
                                              "Reviewer: example-physician\n    example-pharmacist"), [], 10),
    "category-unknown": (GOOD_ARTICLE.replace("Category: Chronic Pain", "Category: Wellness"), [], 4),
    "sources-min": (NO_SOURCES, [], NO_SOURCES.rstrip("\n").count("\n") + 1),
    "claim-flagged": (GOOD_ARTICLE.replace("Clinicians ask", "Ketamine is a miracle for nerve pain.\n\nClinicians ask"), [], 15),
    "privacy-external": (GOOD_ARTICLE + "\n![A diagram of a nerve](https://images.example.org/nerve.png)\n", [],
                         GOOD_ARTICLE.count("\n") + 2),
    "affiliate-notice-disabled": (with_line(GOOD_ARTICLE, "Summary:", "Affiliate_notice: no"), [], 8),
}


@pytest.mark.parametrize("rule", sorted(BAD))
def test_a_fixture_that_breaks_the_rule_is_refused_by_id_file_and_line(fixture_site, rule):
    text, sets, line = BAD[rule]
    result = fixture_site({FIXTURE: text}, TODAY, *sets)
    assert result.returncode == 1, result.stderr
    expected = re.compile(rf"^(.*/)?content/{re.escape(FIXTURE)}:{line}: {re.escape(rule)}: .+; .+")
    assert any(expected.match(line) for line in result.lines), result.stderr
    assert "Traceback" not in result.stderr
    assert not result.output.exists(), "a refused build must not leave an output directory"


@pytest.mark.parametrize("rule", sorted(BAD))
def test_in_yaml_front_matter_each_rule_names_the_same_field_or_phrase(fixture_site, rule):
    """The same bad article, migrated to YAML as the CMS writes it: the same rule, on the line that the
    offending line moved to."""
    text, sets, line = BAD[rule]
    migrated, moved = front_matter.from_meta(text)
    assert migrated.startswith("---\n")
    result = fixture_site({FIXTURE: migrated}, TODAY, *sets)
    assert result.returncode == 1, result.stderr
    line = 1 if rule == "metadata-missing" else moved[line]  # a missing field: the file's first line, in both
    expected = re.compile(rf"^(.*/)?content/{re.escape(FIXTURE)}:{line}: {re.escape(rule)}: .+; .+")
    assert any(expected.match(found) for found in result.lines), result.stderr
    assert "Traceback" not in result.stderr
    assert not result.output.exists()


YAML_GOOD = front_matter.from_meta(GOOD_ARTICLE)[0]
# Front matter the YAML reader would misread or drop: (what the writer wrote instead of line 2 onwards'
# field, the rule, the line).
YAML_BAD = {
    "a colon in a plain value": (YAML_GOOD.replace("summary: A short", "summary: Sleep: a short"), "metadata-malformed", 10),
    "no closing line": (YAML_GOOD.replace("\n---\n", "\n\n", 1).replace("---\n", "---\n", 1), "metadata-malformed", 1),
    "a key twice": (YAML_GOOD.replace("category: Chronic Pain", "category: Chronic Pain\nCategory: Guides"),
                    "metadata-malformed", 6),
    "tags as one text": (re.sub(r"tags:\n  - sleep\n  - evidence", "tags: sleep, evidence", YAML_GOOD),
                         "metadata-malformed", 6),
    "a nested value": (YAML_GOOD.replace("author: example-writer", "author:\n  name: example-writer"),
                       "metadata-malformed", 11),
    "a date YAML cannot build": (YAML_GOOD.replace("last_reviewed: 2026-11-01", "last_reviewed: 2026-11-31"),
                                 "date-unparseable", 13),
    "a date that is no date": (YAML_GOOD.replace("date: 2026-10-01", "date: next week"), "date-unparseable", 3),
    "a tab for an indent": (YAML_GOOD.replace("  - evidence", "\t- evidence"), "metadata-malformed", 8),
}


@pytest.mark.parametrize("case", sorted(YAML_BAD))
def test_yaml_front_matter_the_reader_would_misread_is_refused_at_its_line(fixture_site, case):
    text, rule, line = YAML_BAD[case]
    result = fixture_site({FIXTURE: text}, TODAY)
    assert result.returncode == 1, result.stderr
    expected = re.compile(rf"^(.*/)?content/{re.escape(FIXTURE)}:{line}: {re.escape(rule)}: .+; .+")
    assert any(expected.match(found) for found in result.lines), result.stderr
    assert "Traceback" not in result.stderr and not result.output.exists()


def test_the_good_fixture_article_in_yaml_builds_to_the_same_page(fixture_site, tmp_path):
    meta = fixture_site({FIXTURE: GOOD_ARTICLE}, TODAY)
    assert meta.returncode == 0, meta.stderr
    page = (meta.output / "articles" / "fixture-article" / "index.html").read_bytes()
    yaml_site = fixture_site({FIXTURE: YAML_GOOD}, TODAY)
    assert yaml_site.returncode == 0, yaml_site.stderr
    assert (yaml_site.output / "articles" / "fixture-article" / "index.html").read_bytes() == page


def test_the_good_fixture_article_passes_every_rule(fixture_site):
    result = fixture_site({FIXTURE: GOOD_ARTICLE}, TODAY)
    assert result.returncode == 0, result.stderr


# --- The real content, rule by rule ---------------------------------------------------------------

def test_the_real_site_builds_with_every_rule_on(site):
    # The build runs every rule on the real content and refuses on any problem: that it built is the proof.
    assert (site / "articles" / "home-comfort-product-guide" / "index.html").is_file()


# --- Claims: negation and the reviewed allow marker -----------------------------------------------

def claims(settings, body: str):
    article = SimpleNamespace(source_path="content/articles/x.md", metadata={})
    return [(p.line, p.message.split("'")[1]) for p in rules.check_claims(article, settings, body)]


@pytest.mark.parametrize("sentence", [
    "There is no cure for CRPS yet.", "Ketamine is not a cure.", "There is no guarantee of relief.",
    "Nobody can say; the results are not guaranteed.", "Ketamine does not cure nerve pain.",
    "No treatment is risk-free.", "There is no known cure.",
])
def test_negated_claims_pass(settings, sentence):
    assert claims(settings, sentence) == []


@pytest.mark.parametrize("sentence, phrase", [
    ("Ketamine is a cure for CRPS.", "cure"), ("Results GUARANTEED.", "GUARANTEED"),
    ("A real miracle for pain.", "miracle"), ("It is safe and natural.", "safe and natural"),
    ("There are no side effects.", "no side effects"), ("It's 100% safe.", "100% safe"),
    ("Not tired. Ketamine cures pain.", "cures"), ("A wonder drug, some say.", "wonder drug"),
    ("Safe And Natural relief.", "Safe And Natural"), ("A Wonder Drug.", "Wonder Drug"),
])
def test_flagged_claims_are_refused_word_for_word(settings, sentence, phrase):
    assert claims(settings, "Intro.\n" + sentence) == [(2, phrase)]


def test_flagged_words_inside_other_words_or_links_pass(settings):
    text = "A procurement note, a secure room, [a study](https://example.org/cure-study), <https://x.org/miracle>."
    assert claims(settings, text) == []


def test_the_allow_marker_allows_one_occurrence_named_by_a_reviewer(settings):
    marker = "<!-- allow-claim: cure; reviewer: example-physician -->"
    assert claims(settings, f"The word cure {marker} is quoted here.") == []
    assert claims(settings, f"A cure and a cure {marker}.") == [(1, "cure")]
    assert claims(settings, f"A cure {marker}\nAnother cure.") == [(2, "cure")]


def test_the_allow_marker_must_name_a_person_in_people(settings):
    article = SimpleNamespace(source_path="content/articles/x.md", metadata={})
    found = rules.check_claims(article, settings, "A cure <!-- allow-claim: cure; reviewer: somebody -->.")
    assert sorted((p.line, p.rule) for p in found) == [(1, "claim-flagged"), (1, "person-unknown")]


def test_an_allowed_claim_builds_and_its_marker_is_not_published(fixture_site):
    allowed = GOOD_ARTICLE.replace(
        "Clinicians ask",
        'The old label "wonder drug" <!-- allow-claim: wonder drug; reviewer: example-physician --> misleads. Clinicians ask')
    result = fixture_site({FIXTURE: allowed}, TODAY)
    assert result.returncode == 0, result.stderr
    page = (result.output / "articles" / "fixture-article" / "index.html").read_text(encoding="utf-8")
    assert "wonder drug" in page and "allow-claim" not in page
    feeds = "".join(p.read_text(encoding="utf-8") for p in (result.output / "feeds").glob("*.xml"))
    assert "allow-claim" not in feeds


# --- Who may review -------------------------------------------------------------------------------

REVIEWER_CASES = [  # (Author:, Reviewer:, extra header line, rule id or None)
    ("example-writer", "example-physician", "", None),
    ("example-pharmacist", "example-physician", "", None),
    ("example-writer", "example-writer", "", "reviewer-is-author"),
    ("example-physician", "example-physician", "", "reviewer-is-author"),
    ("example-pharmacist", "example-writer", "", "reviewer-not-clinician"),
    ("example-writer", "example-physician", "Authors: example-writer, example-physician\n", "reviewer-is-author"),
    ("example-writer", "Example-Physician", "", "person-unknown"),
]


@pytest.mark.parametrize("author, reviewer, extra, rule", REVIEWER_CASES)
def test_a_reviewer_is_a_clinician_who_did_not_write_the_article(settings, author, reviewer, extra, rule):
    article = SimpleNamespace(source_path="content/articles/x.md", metadata={})
    source = f"Title: T\nAuthor: {author}\n{extra}Reviewer: {reviewer}\n\nBody.\n"
    found = rules.check_people(article, settings, source)
    assert [(p.rule, p.line) for p in found] == ([(rule, 3 + bool(extra))] if rule else [])
    for problem in found:  # the fix lists who may review: clinicians, never the writer or the author
        assert "example-writer" not in problem.fix and f"{author} (" not in problem.fix, problem.fix
        assert [k for k in settings["PEOPLE"] if k in problem.fix] == [
            k for k, p in settings["PEOPLE"].items()
            if p["role"] in settings["REVIEWER_ROLES"] and k not in (author, "example-physician" if extra else "")]


@pytest.mark.parametrize("reviewers, expected", [
    ("Reviewer: example-writer\nReviewer: example-physician", [("reviewer-is-author", 3), ("person-duplicate", 4)]),
    ("Reviewer: example-physician\n    example-writer", [("reviewer-is-author", 4), ("person-duplicate", 4)]),
])
def test_every_reviewer_line_is_checked(settings, reviewers, expected):
    article = SimpleNamespace(source_path="content/articles/x.md", metadata={})
    found = rules.check_people(article, settings, f"Title: T\nAuthor: example-writer\n{reviewers}\n\nBody.\n")
    assert [(p.rule, p.line) for p in found] == expected


def test_two_keys_for_one_person_are_one_person(settings):
    people = {**settings["PEOPLE"], "dr-physician": {**settings["PEOPLE"]["example-physician"]}}
    article = SimpleNamespace(source_path="content/articles/x.md", metadata={})
    found = rules.check_people(article, {**settings, "PEOPLE": people},
                               "Author: example-physician\nReviewer: dr-physician\n\nBody.\n")
    assert [p.rule for p in found] == ["reviewer-is-author"]


# --- Review dates and the other pure rules ----------------------------------------------------------

def review(settings, reviewed: str, today: str):
    article = SimpleNamespace(source_path="content/articles/x.md", metadata={})
    return [p.rule for p in rules.check_review(article, {**settings, "RULES_TODAY": today}, f"Last_reviewed: {reviewed}\n")]


def test_the_review_interval_is_measured_from_settings(settings):
    months = settings["REVIEW_INTERVAL_MONTHS"]
    due = rules.add_months(dates.parse_date("2026-01-31"), months)
    assert review(settings, "2026-01-31", due.isoformat()) == []
    assert review(settings, "2026-01-31", (due + datetime.timedelta(days=1)).isoformat()) == ["review-overdue"]
    assert review(settings, "2026-01-31", "2026-01-30") == ["review-in-future"]
    assert review({**settings, "REVIEW_INTERVAL_MONTHS": months + 12}, "2026-01-31",
                  rules.add_months(due, 1).isoformat()) == []


def test_today_defaults_to_the_date_in_the_clinics_time_zone(settings):
    from zoneinfo import ZoneInfo

    # One clock for the rules, the scheduled posts, new-post and the report: the date where the clinic is.
    at_clinic = datetime.datetime.now(ZoneInfo(settings["TIMEZONE"])).date()
    assert dates.today({**settings, "RULES_TODAY": None}) == at_clinic
    late = datetime.datetime(2026, 11, 16, 3, 30, tzinfo=datetime.UTC)  # still the 15th in New York
    assert dates.clinic_today({**settings, "TIMEZONE": "America/New_York"}, late) == datetime.date(2026, 11, 15)


def test_any_notice_switch_in_the_header_is_refused(settings):
    article = SimpleNamespace(source_path="content/articles/x.md", metadata={})
    for line in ("Affiliate_notice: no", "Hide_disclaimer: yes", "Disclosure: off"):
        problems = rules.check_notice_metadata(article, settings, f"Title: x\n{line}\n\nBody")
        assert [(p.rule, p.line) for p in problems] == [("affiliate-notice-disabled", 2)], line
