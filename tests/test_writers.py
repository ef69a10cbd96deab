"""The writers' workflow: new-post drafts, drafts and future posts kept out of production, the review report."""

from __future__ import annotations

import datetime
import difflib
import os
import re
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from clinic.source import markers
from clinic.writers import newpost, report
from clinic.audit.checks import normalise
from clinic.rules.editorial import add_months
from clinic.source.dates import today as rules_today
from conftest import FILLER, FIXTURE_TODAY, GOOD_ARTICLE, ROOT

DEV_SETTINGS = ROOT / "pelicanconf.py"
FOOTNOTES = [line for line in GOOD_ARTICLE.splitlines() if line.startswith("[^")]


@pytest.fixture(scope="module")
def dev_settings():
    from clinic.settings import load_settings

    return load_settings(DEV_SETTINGS, {"RULES_TODAY": FIXTURE_TODAY})


def new_draft(tmp_path, settings, title="Sleep and long-lasting pain", category="Chronic Pain"):
    articles = tmp_path / "new" / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    path = newpost.create(title, category, settings, articles, today=rules_today(settings))
    return path, path.read_text(encoding="utf-8")


def finish(draft: str, reviewed: datetime.date) -> str:
    """Do what docs/writing.md tells a writer: fill each TODO, date the review, set `status: published`."""
    keys = dict(zip(re.findall(r"\[\^(TODO[^\]]*)\]:", draft), (re.match(r"\[\^([^\]]+)\]", f)[1] for f in FOOTNOTES)))
    for old, new in keys.items():
        draft = draft.replace(f"[^{old}]", f"[^{new}]")
    lines = []
    for line in draft.splitlines():
        key = line.split(":", 1)[0]
        if line == "status: draft":
            line = "status: published"
        elif key == "last_reviewed":
            line = f"last_reviewed: {reviewed}"
        elif "TODO" not in line:
            pass
        elif key == "author":
            line = "author: " + re.search(r"one of ([\w, -]+)", line)[1].split(", ")[0]
        elif key == "reviewer":  # the first clinician the hint offers
            line = "reviewer: " + re.search(r"one of: ([\w-]+) ", line)[1]
        elif line.startswith("  - ") and "lowercase tags" in line:
            line = "  - sleep\n  - evidence"
        elif line.startswith("  - ") and "key point" in line:
            line = "  - Poor sleep and long-lasting pain often go together."
        elif key == "summary":
            line = "summary: How poor sleep and long-lasting pain affect each other, and what clinicians ask about."
        elif line.startswith("[^"):
            line = next(f for f in FOOTNOTES if f.startswith(line.split(":", 1)[0] + ":"))
        elif line.startswith("## "):
            line = "## How sleep and pain are linked"
        else:
            markers = "".join(re.findall(r"\[\^[^\]]+\]", line))
            line = "Poor sleep and pain that lasts for months often go together, and each can feed the other." + markers
            if not any(old.startswith("Poor sleep") for old in lines):  # the guide asks for 700 to 1,500 words
                line += " " + FILLER
        lines.append(line)
    return "\n".join(lines) + "\n"


# --- new-post -------------------------------------------------------------------------------------


def test_new_post_writes_a_draft_with_every_required_field_filled_or_marked(tmp_path, dev_settings):
    path, text = new_draft(tmp_path, dev_settings, title="Sleep & long-lasting pain: what helps?")
    header = newpost.header_of(text)
    assert path.name == "sleep-long-lasting-pain-what-helps.md"
    assert header["slug"] == "sleep-long-lasting-pain-what-helps"
    assert header["status"] == "draft"
    assert header["date"] == header["modified"] == str(rules_today(dev_settings))
    assert header["category"] == "Chronic Pain"
    for field in dev_settings["REQUIRED_METADATA"]:
        assert field in header, f"the draft has no '{field}' line"
    unfilled = {field for field in dev_settings["REQUIRED_METADATA"]
                if "TODO" in str(header[field]) or not header[field]}
    assert unfilled == {"tags", "summary", "author", "reviewer", "last_reviewed"}
    for person in dev_settings["PEOPLE"]:
        assert person in header["author"], "the choices come from PEOPLE"
    assert reviewers_offered(header["reviewer"]) == clinicians(dev_settings), "only clinicians may review"
    assert "[^TODO-first-source]:" in text, "the draft shows how to cite a source as a footnote"


def clinicians(settings, but=()) -> list[str]:
    return [k for k, p in settings["PEOPLE"].items() if p.get("role") in settings["REVIEWER_ROLES"] and k not in but]


def reviewers_offered(text: str) -> list[str]:
    return re.findall(r"([\w-]+) \(", text.split(";")[0])


@pytest.mark.parametrize("author", [None, "example-writer", "example-physician", "example-pharmacist"])
def test_the_reviewer_hint_offers_only_clinicians_who_are_not_the_author(tmp_path, dev_settings, author):
    articles = tmp_path / "articles"
    path = newpost.create("Sleep and pain", "Chronic Pain", dev_settings, articles, author=author)
    reviewer = newpost.header_of(path.read_text(encoding="utf-8"))["reviewer"]
    assert reviewer.startswith("TODO")
    assert reviewers_offered(reviewer) == clinicians(dev_settings, but=[author])
    assert "example-writer" not in reviewer


@pytest.mark.parametrize("author, reviewer, refused", [
    (None, "example-writer", True), ("example-physician", "example-physician", True),
    ("example-pharmacist", "example-writer", True), (None, "dr-nobody", True),
    ("example-writer", "example-physician", False), ("example-physician", "example-pharmacist", False),
])
def test_new_post_never_puts_the_author_or_a_non_clinician_in_reviewer(tmp_path, dev_settings, author, reviewer,
                                                                        refused):
    articles = tmp_path / "articles"
    if not refused:
        path = newpost.create("Sleep and pain", "Chronic Pain", dev_settings, articles, author=author, reviewer=reviewer)
        assert newpost.header_of(path.read_text(encoding="utf-8"))["reviewer"] == reviewer
        return
    with pytest.raises(newpost.NewPostError) as error:
        newpost.create("Sleep and pain", "Chronic Pain", dev_settings, articles, author=author, reviewer=reviewer)
    assert [p.rule for p in error.value.problems] == ["new-post-reviewer"]
    assert reviewers_offered(error.value.problems[0].fix) == clinicians(dev_settings, but=[author])
    assert not (articles / "sleep-and-pain.md").exists()


def test_new_post_refuses_a_writer_as_reviewer_in_one_line_naming_the_clinicians():
    done = subprocess.run([sys.executable, "-m", "invoke", "new-post", "Sleep and pain", "--category", "Chronic Pain",
                           "--reviewer", "example-writer"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and ": new-post-reviewer: " in lines[0], done.stderr
    assert "example-physician" in lines[0] and "example-pharmacist" in lines[0]
    assert not (ROOT / "content" / "articles" / "sleep-and-pain.md").exists()


def test_new_post_suggests_the_tags_already_in_use(tmp_path, dev_settings):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "old.md").write_text(GOOD_ARTICLE, encoding="utf-8")
    path = newpost.create("Another post", "Guides", dev_settings, articles)
    [tags_line] = newpost.header_of(path.read_text(encoding="utf-8"))["tags"]
    assert tags_line.startswith("TODO") and tags_line.endswith("from: evidence, sleep")


def test_new_post_refuses_an_unknown_category_in_one_line_listing_the_valid_ones():
    done = subprocess.run([sys.executable, "-m", "invoke", "new-post", "Sleep and pain", "--category", "Sleep"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")})
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and ": new-post-category: " in lines[0], done.stderr
    from clinic.settings import load_settings

    for category in load_settings(DEV_SETTINGS)["CATEGORIES"]:
        assert category in lines[0]
    assert "Traceback" not in done.stderr
    assert not (ROOT / "content" / "articles" / "sleep-and-pain.md").exists()


def test_new_post_refuses_a_slug_already_in_use(tmp_path, dev_settings):
    path, text = new_draft(tmp_path, dev_settings)
    with pytest.raises(newpost.NewPostError) as refused:
        newpost.create("Sleep and long-lasting pain", "Chronic Pain", dev_settings, path.parent)
    assert [p.rule for p in refused.value.problems] == ["new-post-exists"]
    assert path.read_text(encoding="utf-8") == text, "the existing file is left as it was"
    # A slug set in another file's header counts too, whatever that file is called.
    (path.parent / "other-name.md").write_text(GOOD_ARTICLE, encoding="utf-8")
    with pytest.raises(newpost.NewPostError):
        newpost.create("Fixture article", "Guides", dev_settings, path.parent)


def test_a_new_draft_builds_to_drafts_in_development_and_lists_what_is_left(tmp_path, dev_settings, fixture_site):
    path, text = new_draft(tmp_path, dev_settings)
    result = fixture_site({"articles/good.md": GOOD_ARTICLE, f"articles/{path.name}": text},
                          settings_file=DEV_SETTINGS)
    assert result.returncode == 0, result.stderr
    slug = newpost.header_of(text)["slug"]
    assert (result.output / "drafts" / slug / "index.html").is_file()
    assert not (result.output / "articles" / slug).exists()
    assert f"/drafts/{slug}" not in (result.output / "index.html").read_text(encoding="utf-8")
    warned = [line for line in result.stderr.splitlines() if f"{path.name}:" in line]
    assert any(": todo-left: " in line for line in warned), result.stderr
    assert any(": metadata-missing: " in line and "'Last_reviewed:'" in line for line in warned), result.stderr
    assert not any(": person-unknown: " in line for line in warned), "a line marked TODO is reported once"


def test_a_new_post_builds_clean_once_its_todos_are_filled_and_the_draft_line_removed(tmp_path, dev_settings,
                                                                                       fixture_site):
    path, draft = new_draft(tmp_path, dev_settings)
    finished = finish(draft, reviewed=rules_today(dev_settings))
    changed = [line[2:] for line in difflib.ndiff(draft.splitlines(), finished.splitlines()) if line.startswith("- ")]
    assert all("TODO" in line or line.startswith("last_reviewed:") or line == "status: draft" for line in changed), \
        "the writer only had to touch marked lines"
    assert "TODO" not in finished
    result = fixture_site({f"articles/{path.name}": finished})
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr
    page = result.output / "articles" / newpost.header_of(draft)["slug"] / "index.html"
    heading = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("h1")
    assert normalise(heading.get_text()) == "Sleep and long-lasting pain"


def test_todo_markers_left_in_an_article_are_each_named_with_their_line():
    source = "Title: T\nSummary: TODO say something\n\nBody.\n\n## TODO heading\n"
    found = markers.unfinished("content/articles/t.md", source)
    assert [(p.line, p.rule) for p in found] == [(2, "todo-left"), (6, "todo-left")]
    assert markers.unfinished("x.md", "Title: Todos and lists\n\nA TODOLIST is not a marker.\n") == []


# --- drafts and future posts ----------------------------------------------------------------------


def _unpublished(slug_title: str, status: str = "", date: datetime.date | None = None) -> str:
    text = GOOD_ARTICLE.replace("A fixture article about sleep and pain", slug_title)
    text = text.replace("Slug: fixture-article", "Slug: " + slug_title.lower().replace(" ", "-"))
    if date:
        text = re.sub(r"^Date: .*$", f"Date: {date}", text, flags=re.M)
    if status:
        text = text.replace("Last_reviewed:", f"Status: {status}\nLast_reviewed:", 1)
    return text


def test_drafts_and_future_dated_articles_stay_out_of_the_production_build(fixture_site):
    future = datetime.date.today() + datetime.timedelta(days=60)
    result = fixture_site({
        "articles/published.md": GOOD_ARTICLE,
        "articles/draft.md": _unpublished("Zebra draft marker", status="draft"),
        "articles/future.md": _unpublished("Okapi future marker", date=future),
    })
    assert result.returncode == 0, result.stderr
    assert (result.output / "articles" / newpost.header_of(GOOD_ARTICLE)["slug"] / "index.html").is_file()
    assert not (result.output / "drafts").exists()
    assert (result.output / "feeds" / "all.atom.xml").is_file() and (result.output / "sitemap.xml").is_file()
    checked = 0
    for file in result.output.rglob("*"):
        if file.is_file() and file.suffix in (".html", ".xml", ".txt", ".json"):
            text = file.read_text(encoding="utf-8", errors="replace").lower()
            checked += 1
            for marker in ("zebra", "okapi"):
                assert marker not in text, f"{file.relative_to(result.output)} mentions the unpublished '{marker}' article"
    assert checked > 5


def test_a_future_dated_article_is_a_draft_in_development(fixture_site):
    future = datetime.date.today() + datetime.timedelta(days=60)
    result = fixture_site({"articles/good.md": GOOD_ARTICLE,
                           "articles/future.md": _unpublished("Okapi future marker", date=future)},
                          settings_file=DEV_SETTINGS)
    assert result.returncode == 0, result.stderr
    assert (result.output / "drafts" / "okapi-future-marker" / "index.html").is_file()
    assert not (result.output / "articles" / "okapi-future-marker").exists()


# --- the editorial report -------------------------------------------------------------------------


def _article(reviewed, title, status=""):
    extra = f"Status: {status}\n" if status else ""
    return f"Title: {title}\nReviewer: example-physician\nLast_reviewed: {reviewed}\n{extra}\nBody.\n"


def test_the_report_lists_every_article_oldest_review_first_and_flags_those_due(dev_settings):
    today = datetime.date(2026, 11, 21)
    months, soon = dev_settings["REVIEW_INTERVAL_MONTHS"], dev_settings["REVIEW_DUE_SOON_DAYS"]
    back = add_months(today, -months)  # reviewed exactly one interval ago: due today
    sources = {
        "recent.md": _article(today, "Recent"),
        "overdue.md": _article(back - datetime.timedelta(days=1), "Overdue"),
        "due-today.md": _article(back, "Due today"),
        "due-at-limit.md": _article(back + datetime.timedelta(days=soon), "Due at the limit"),
        "due-after-limit.md": _article(back + datetime.timedelta(days=soon + 1), "Due after the limit"),
        "never.md": _article("", "Never reviewed", status="draft"),
    }
    rows = report.review_rows(sources, dev_settings, today)
    assert [r.path for r in rows] == ["never.md", "overdue.md", "due-today.md", "due-at-limit.md",
                                      "due-after-limit.md", "recent.md"]
    flags = {r.path: r.flag for r in rows}
    assert flags == {"never.md": report.NOT_REVIEWED, "overdue.md": report.OVERDUE, "due-today.md": report.DUE_SOON,
                     "due-at-limit.md": report.DUE_SOON, "due-after-limit.md": "", "recent.md": ""}
    assert next(r for r in rows if r.path == "never.md").draft
    for row in rows[1:]:
        assert row.next_due == add_months(row.last_reviewed, months)


def test_the_report_names_each_reviewer_and_counts_the_flags(dev_settings):
    today = datetime.date(2026, 11, 21)
    rows = report.review_rows({"a.md": _article(add_months(today, -13), "Old one")}, dev_settings, today)
    text = report.format_report(rows, dev_settings, today)
    assert dev_settings["PEOPLE"]["example-physician"]["name"] in text
    assert "OVERDUE" in text and "1 article(s): 1 overdue" in text


def test_the_report_covers_every_real_article(dev_settings):
    from conftest import article_sources

    sources = report.read_sources(ROOT / "content" / "articles")
    rows = report.review_rows(sources, dev_settings, datetime.date.today())
    assert len(rows) == len(article_sources())
    for row in rows:
        if not row.draft:
            assert row.reviewer in dev_settings["PEOPLE"] and row.last_reviewed is not None, row


def test_an_article_published_with_a_todo_left_is_rejected_by_rule_file_and_line(fixture_site):
    unfinished = GOOD_ARTICLE.replace("Summary: A short fixture article used by the tests.",
                                      "Summary: TODO one or two plain sentences.")
    result = fixture_site({"articles/unfinished.md": unfinished})
    assert result.returncode == 1
    assert any(re.search(r"(^|/)content/articles/unfinished\.md:7: todo-left: ", line) for line in result.lines), \
        result.stderr
    assert not result.output.exists()


def test_a_published_article_linking_to_a_draft_or_future_post_is_rejected(fixture_site):
    future = datetime.date.today() + datetime.timedelta(days=60)
    linking = GOOD_ARTICLE.replace("Clinicians ask about both.",
                                   "See [the coming article]({filename}draft.md) and [the next one]({filename}/articles/future.md).")
    result = fixture_site({
        "articles/published.md": linking,
        "articles/draft.md": _unpublished("Zebra draft marker", status="draft"),
        "articles/future.md": _unpublished("Okapi future marker", date=future),
    })
    assert result.returncode == 1
    found = [line for line in result.lines if ": link-to-draft: " in line]
    assert len(found) == 2 and all(re.search(r"(^|/)content/articles/published\.md:15: ", line) for line in found), \
        result.stderr
    assert any("status: draft" in line for line in found) and any(f"dated {future}" in line for line in found)
    assert not result.output.exists()
