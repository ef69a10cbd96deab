"""Nothing a writer does is silent: each class of slip is refused by rule id and file:line, built through
the real CLI, beside a good fixture that passes."""

from __future__ import annotations

import datetime
import re

import pytest

from clinic.writers import report
from conftest import FIRST_NEW_LINE, FIXTURE_TODAY, GOOD_ARTICLE, ROOT, run_build

DEV_SETTINGS = ROOT / "pelicanconf.py"
FIXTURE = "articles/fixture.md"
TODAY = datetime.date.fromisoformat(FIXTURE_TODAY)
LINE = {key: n for n, line in enumerate(GOOD_ARTICLE.splitlines(), start=1) if ":" in line
        for key in [line.split(":", 1)[0]] if n <= 10}
PAGE = "Title: About the fixture\nSlug: about\nModified: 2026-11-01\nSummary: A page of the fixture site.\n\nHello.\n"


def field(text: str, name: str, value: str) -> str:
    """`text` with the header line `name:` set to `value`."""
    return re.sub(rf"^{re.escape(name)}:.*$", f"{name}: {value}".rstrip(), text, count=1, flags=re.M)


def refused(result, path: str, line: int, rule: str, says: str = "") -> None:
    assert result.returncode == 1, result.stderr
    pattern = re.compile(rf"^(\S*/)?content/{re.escape(path)}:{line}: {re.escape(rule)}: .+; .+")
    matching = [entry for entry in result.lines if pattern.match(entry)]
    assert matching, result.stderr
    assert says in " ".join(matching), result.stderr
    assert "Traceback" not in result.stderr and not re.search(r":0: ", result.stderr), result.stderr
    assert not result.output.exists(), "a refused build must leave no output"


# --- Dates: exactly YYYY-MM-DD, a real day; never guessed ------------------------------------------

NOT_A_DATE = ["03/04/2026", "2026/03/04", "4 March 2026", "March 4, 2026", "2026-3-4", "2026-03-4", "20260304",
              "04.03.2026", "26-03-04", "2026-02-30", "2026-13-01", "2026-00-10", "2026-03-04 10:00",
              "2026-03-04T10:00:00Z", "2026-03-04+01:00", "2026-03-04 EST", "+2026-03-04", "２０２６-03-04", "today"]


@pytest.mark.parametrize("name", ["Date", "Modified", "Last_reviewed"])
@pytest.mark.parametrize("value", NOT_A_DATE)
def test_a_date_not_written_yyyy_mm_dd_is_refused_on_its_line(fixture_site, name, value):
    result = fixture_site({FIXTURE: field(GOOD_ARTICLE, name, value)})
    refused(result, FIXTURE, LINE[name], "date-unparseable", f"{name}: ")


@pytest.mark.parametrize("name", ["Date", "Modified", "Last_reviewed"])
def test_a_date_that_goes_on_to_an_indented_line_is_refused(fixture_site, name):
    text = re.sub(rf"^({name}:.*)$", r"\1\n    10:00", GOOD_ARTICLE, count=1, flags=re.M)
    refused(fixture_site({FIXTURE: text}), FIXTURE, LINE[name], "date-unparseable", "more than the day")


@pytest.mark.parametrize("name", ["Date", "Modified"])
def test_an_empty_date_is_refused(fixture_site, name):
    refused(fixture_site({FIXTURE: field(GOOD_ARTICLE, name, "")}), FIXTURE, LINE[name], "date-unparseable", "is empty")


def test_an_empty_last_reviewed_is_named_as_missing_not_guessed(fixture_site):
    refused(fixture_site({FIXTURE: field(GOOD_ARTICLE, "Last_reviewed", "")}), FIXTURE, LINE["Last_reviewed"],
            "metadata-missing", "'Last_reviewed:'")


@pytest.mark.parametrize("value", ["03/04/2026", "2026-02-29", "1 November 2026", "2026-11-01 09:00"])
def test_a_page_date_is_held_to_the_same_spelling(fixture_site, value):
    refused(fixture_site({FIXTURE: GOOD_ARTICLE, "pages/about.md": field(PAGE, "Modified", value)}),
            "pages/about.md", 3, "date-unparseable")


def test_a_page_reviewed_after_today_is_refused(fixture_site):
    page = PAGE.replace("Modified: 2026-11-01", "Modified: 2026-11-01\nLast_reviewed: 2026-11-16")
    refused(fixture_site({FIXTURE: GOOD_ARTICLE, "pages/about.md": page}), "pages/about.md", 4, "review-in-future")


def test_good_dates_pass_a_leap_day_among_them(fixture_site):
    text = field(field(GOOD_ARTICLE, "Date", "2024-02-29"), "Modified", "2026-11-15")
    page = PAGE.replace("Modified: 2026-11-01", "Date: 2026-01-31\nModified: 2026-11-15\nLast_reviewed: 2026-11-15")
    result = fixture_site({FIXTURE: text, "pages/about.md": page})
    assert result.returncode == 0, result.stderr


# --- Scheduled: a Date after today (RULES_TODAY, else the clinic's TIMEZONE) -----------------------

def scheduled(day: datetime.date) -> str:
    text = field(field(GOOD_ARTICLE, "Date", str(day)), "Modified", str(day))
    return field(field(text, "Slug", "okapi-scheduled"), "Title", "Okapi scheduled marker")


def test_a_scheduled_post_is_previewed_with_its_banner_and_kept_out_of_listings(fixture_site):
    day = TODAY + datetime.timedelta(days=1)
    result = fixture_site({FIXTURE: GOOD_ARTICLE, "articles/later.md": scheduled(day)}, settings_file=DEV_SETTINGS)
    assert result.returncode == 0, result.stderr
    page = (result.output / "drafts" / "okapi-scheduled" / "index.html").read_text(encoding="utf-8")
    banner = re.search(r'<aside class="notice scheduled-notice"[^>]*>(.*?)</aside>', page, re.S)
    assert banner and f"{day.day} {day:%B %Y}" in banner[1] and "will not be published before" in banner[1], page
    assert not (result.output / "articles" / "okapi-scheduled").exists()
    assert "okapi" not in (result.output / "index.html").read_text(encoding="utf-8").lower()
    published = (result.output / "articles" / "fixture-article" / "index.html").read_text(encoding="utf-8")
    assert "scheduled-notice" not in published


def test_production_holds_a_scheduled_post_back_until_its_day(fixture_site):
    result = fixture_site({FIXTURE: GOOD_ARTICLE, "articles/later.md": scheduled(TODAY + datetime.timedelta(days=1))})
    assert result.returncode == 0, result.stderr
    assert not (result.output / "drafts").exists()
    built = [p for p in result.output.rglob("*") if p.is_file() and p.suffix in (".html", ".xml")]
    assert len(built) > 5 and not [p for p in built if "okapi" in p.read_text(encoding="utf-8").lower()]


def test_a_post_dated_today_on_the_builds_clock_is_published(fixture_site):
    result = fixture_site({FIXTURE: GOOD_ARTICLE, "articles/today.md": scheduled(TODAY)})
    assert result.returncode == 0, result.stderr
    assert (result.output / "articles" / "okapi-scheduled" / "index.html").is_file()


def test_a_scheduled_page_is_previewed_with_its_banner_and_held_back_in_production(fixture_site, tmp_path):
    day = TODAY + datetime.timedelta(days=3)
    page = PAGE.replace("Modified: 2026-11-01", f"Date: {day}\nModified: {day}").replace("Hello.", "Okapi page.")
    dev = fixture_site({FIXTURE: GOOD_ARTICLE, "pages/about.md": page}, settings_file=DEV_SETTINGS)
    assert dev.returncode == 0, dev.stderr
    preview = (dev.output / "drafts" / "pages" / "about" / "index.html").read_text(encoding="utf-8")
    assert "scheduled-notice" in preview and f"{day.day} {day:%B %Y}" in preview
    assert not (dev.output / "about").exists()
    from conftest import build_site_from

    production = build_site_from(tmp_path / "production", {FIXTURE: GOOD_ARTICLE, "pages/about.md": page})
    assert production.returncode == 0, production.stderr
    assert not (production.output / "about").exists() and not (production.output / "drafts").exists()


def test_the_report_lists_each_scheduled_post_with_its_date(dev_settings):
    day = TODAY + datetime.timedelta(days=5)
    sources = {"content/articles/later.md": scheduled(day), "content/articles/fixture.md": GOOD_ARTICLE}
    text = report.format_report(report.review_rows(sources, dev_settings, TODAY), dev_settings, TODAY)
    assert f"Scheduled: content/articles/later.md is published on {day} (not before)" in text
    assert f"scheduled for {day}" in text and "1 scheduled" in text
    assert "fixture.md is published on" not in text


@pytest.fixture(scope="module")
def dev_settings():
    from clinic.settings import load_settings

    return load_settings(DEV_SETTINGS, {"RULES_TODAY": FIXTURE_TODAY})


# --- Header fields: known names only, with the nearest one suggested -------------------------------

MISSPELT = [("Last_reviewed", "Last-reviewed", "Last_reviewed"), ("Last_reviewed", "Lastreviewed", "Last_reviewed"),
            ("Last_reviewed", "Last_Reviewd", "Last_reviewed"), ("Category", "Catagory", "Category"),
            ("Category", "Categories", "Category"), ("Reviewer", "Reviwer", "Reviewer"), ("Tags", "Tag", "Tags"),
            ("Summary", "Sumary", "Summary"), ("Author", "Auther", "Author"), ("Modified", "Modifed", "Modified"),
            ("Title", "Titel", "Title"), ("Slug", "Slugs", "Slug"), ("Date", "Dates", "Date")]


@pytest.mark.parametrize("name, written, meant", MISSPELT)
def test_a_misspelt_field_is_refused_with_the_field_it_meant(fixture_site, name, written, meant):
    text = re.sub(rf"^{name}:", f"{written}:", GOOD_ARTICLE, count=1, flags=re.M)
    refused(fixture_site({FIXTURE: text}), FIXTURE, LINE[name], "metadata-unknown", f"did you mean '{meant}:'")


@pytest.mark.parametrize("line", ["Keywords: pain", "Subtitle: more", "Save_as: x.html", "Url: /x/", "Lang: fr"])
def test_an_unknown_field_is_refused_listing_the_known_ones(fixture_site, line):
    text = GOOD_ARTICLE.replace("Slug: fixture-article", f"Slug: fixture-article\n{line}")
    refused(fixture_site({FIXTURE: text}), FIXTURE, LINE["Slug"] + 1, "metadata-unknown", "Last_reviewed:")


def test_a_misspelt_page_field_is_refused_too(fixture_site):
    page = PAGE.replace("Summary:", "Sumary:")
    refused(fixture_site({FIXTURE: GOOD_ARTICLE, "pages/about.md": page}), "pages/about.md", 4, "metadata-unknown",
            "did you mean 'Summary:'")


@pytest.mark.parametrize("value, kind", [("publsihed", "article"), ("hidden", "article"),
                                         ("drafts", "article"), ("publsihed", "page"), ("skip", "page")])
def test_a_status_the_site_does_not_use_is_refused(fixture_site, value, kind):
    if kind == "article":
        text = GOOD_ARTICLE.replace("Slug: fixture-article", f"Slug: fixture-article\nStatus: {value}")
        refused(fixture_site({FIXTURE: text}), FIXTURE, LINE["Slug"] + 1, "status-unknown", f"'Status: {value}'")
    else:
        page = PAGE.replace("Slug: about", f"Slug: about\nStatus: {value}")
        refused(fixture_site({FIXTURE: GOOD_ARTICLE, "pages/about.md": page}), "pages/about.md", 3, "status-unknown")


def test_a_field_written_twice_is_refused_on_its_second_line(fixture_site):
    text = GOOD_ARTICLE.replace("Slug: fixture-article", "Slug: fixture-article\nCategory: Guides")
    refused(fixture_site({FIXTURE: text}), FIXTURE, LINE["Slug"] + 1, "metadata-duplicate", "first on line 4")


@pytest.mark.parametrize("line", ["Last_reviewed: 2026-11-01", "Status: draft", "tags: sleep, rest"])
def test_a_field_after_the_headers_blank_line_is_refused_not_shown_as_text(fixture_site, line):
    text = GOOD_ARTICLE.replace("\n\nPoor sleep", f"\n\n{line}\n\nPoor sleep", 1)
    refused(fixture_site({FIXTURE: text}), FIXTURE, FIRST_NEW_LINE - 2, "metadata-malformed", "after the blank line")


def test_a_misspelt_page_template_is_refused_with_the_one_meant(fixture_site):
    page = PAGE.replace("Slug: about", "Slug: about\nTemplate: contcat")
    refused(fixture_site({FIXTURE: GOOD_ARTICLE, "pages/about.md": page}), "pages/about.md", 3, "template-unknown",
            "did you mean 'Template: contact'")


@pytest.mark.parametrize("name", ["Title", "Date"])
def test_an_article_without_title_or_date_is_named_not_skipped(fixture_site, name):
    text = re.sub(rf"^{name}:.*\n", "", GOOD_ARTICLE, count=1, flags=re.M)
    refused(fixture_site({FIXTURE: text}), FIXTURE, 1, "metadata-missing", f"'{name}:'")


# --- Every Markdown file is read, or named with where it belongs ------------------------------------

PLACED_WRONG = ["articles/notes.md.txt", "fixture-copy.md", "images/notes.md", "extra/about.md", "drafts/later.md",
                "articles/Upper.MD", "articles/odd.Md", "articles/long.Markdown", "pages/contact.MKD", "articles/old.mdwn",
                "articles/deep/er/x.mdown.MD", "notes/deep/x.mdown"]


@pytest.mark.parametrize("path", PLACED_WRONG)
def test_a_markdown_file_the_site_would_not_read_is_named(fixture_site, path):
    text = field(GOOD_ARTICLE, "Slug", "another-article")
    says = "content/articles/" if "/" not in path or path.split("/")[0] not in ("articles", "pages") else "rename it to"
    refused(fixture_site({FIXTURE: GOOD_ARTICLE, path: text}), path, 1, "file-ignored", says)


@pytest.mark.parametrize("path", ["articles/draft.txt", "articles/diagram.png", "pages/about.docx", "articles/sub/x.rtf"])
def test_another_file_in_the_articles_or_pages_folder_is_named(fixture_site, path):
    refused(fixture_site({FIXTURE: GOOD_ARTICLE, path: "Title: x\n\nx\n"}), path, 1, "file-ignored", "content/images/")


def test_a_markdown_file_that_ignore_files_matches_is_named_with_the_pattern(fixture_site):
    result = fixture_site({FIXTURE: GOOD_ARTICLE, "articles/_notes.md": field(GOOD_ARTICLE, "Slug", "notes")},
                          'IGNORE_FILES=["**/.*", "_*"]')
    refused(result, "articles/_notes.md", 1, "file-ignored", "IGNORE_FILES")


def test_a_markdown_file_in_an_excluded_folder_is_named_with_the_setting(fixture_site):
    result = fixture_site({FIXTURE: GOOD_ARTICLE, "articles/old/x.md": field(GOOD_ARTICLE, "Slug", "old")},
                          'ARTICLE_EXCLUDES=["articles/old"]')
    refused(result, "articles/old/x.md", 1, "file-ignored", "ARTICLE_EXCLUDES")


@pytest.mark.parametrize("path", ["pages/legacy.html", "articles/legacy.htm"])
def test_a_page_in_another_format_is_refused(fixture_site, path):
    html = "<html><head><title>Legacy</title><meta name='date' content='2026-10-01'></head><body>Old.</body></html>"
    refused(fixture_site({FIXTURE: GOOD_ARTICLE, path: html}), path, 1, "file-not-markdown")


def test_markdown_in_the_articles_and_pages_folders_is_read(fixture_site):
    result = fixture_site({FIXTURE: GOOD_ARTICLE, "articles/sub/second.markdown": field(GOOD_ARTICLE, "Slug", "second"),
                           "pages/about.md": PAGE, "images/plain.txt": "not markdown"})
    assert result.returncode == 0, result.stderr
    assert (result.output / "articles" / "second" / "index.html").is_file()
    assert (result.output / "about" / "index.html").is_file()


# --- Messages name real files and lines --------------------------------------------------------------

def test_a_pelican_warning_names_the_line_it_is_about(fixture_site):
    text = GOOD_ARTICLE.replace("Clinicians ask about both.", "See [the diagram]({filename}/images/d.svg). Clinicians ask")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><title>d</title></svg>'
    refused(fixture_site({FIXTURE: text, "images/d.svg": svg}), FIXTURE, FIRST_NEW_LINE - 2, "pelican-warning", "{static}")


def test_a_template_error_names_the_template_and_its_line(fixture_site, theme_copy):
    partial = theme_copy / "templates" / "partials" / "tags.html"
    partial.write_text("\n{% if %}\n" + partial.read_text(encoding="utf-8"), encoding="utf-8")
    result = fixture_site({FIXTURE: GOOD_ARTICLE}, theme=theme_copy)
    assert result.returncode == 1
    assert any(re.match(rf"^\S*{re.escape(str(partial.relative_to(theme_copy.parent)))}:2: pelican-error: ", line)
               for line in result.lines), result.stderr
    assert ":0:" not in result.stderr and "Traceback" not in result.stderr


def test_an_error_while_a_template_renders_names_the_template_and_its_line(fixture_site, theme_copy):
    partial = theme_copy / "templates" / "partials" / "tags.html"
    partial.write_text("\n\n{{ article.title.no_such_thing() }}\n" + partial.read_text(encoding="utf-8"), encoding="utf-8")
    result = fixture_site({FIXTURE: GOOD_ARTICLE}, theme=theme_copy)
    assert result.returncode == 1
    assert any(re.match(r"^\S*theme/templates/partials/tags\.html:3: pelican-error: ", line)
               for line in result.lines), result.stderr
    assert ":0:" not in result.stderr and "Traceback" not in result.stderr


def test_a_broken_settings_file_is_named_at_its_line(tmp_path):
    settings = tmp_path / "broken.py"
    settings.write_text("from pelicanconf import *\n\nSITENAME = 'x'\nTIMEZONE = (\n", encoding="utf-8")
    result = run_build(settings, tmp_path / "output")
    assert result.returncode == 1
    assert any(re.match(r"^\S*broken\.py:[1-9]\d*: build-error: ", line) for line in result.lines), result.stderr
    assert ":0:" not in result.stderr


def test_check_on_a_folder_with_no_site_names_the_folder_without_a_line(tmp_path):
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "clinic.audit.check", str(tmp_path / "nothing")], cwd=ROOT, text=True,
                          capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")}, timeout=120)
    assert done.returncode == 1
    assert re.match(rf"^{re.escape(str(tmp_path / 'nothing'))}: check-output: .+; .+", done.stderr), done.stderr


def test_new_post_refusals_name_the_setting_or_the_file_in_the_way(tmp_path, dev_settings):
    from clinic.writers import newpost

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "taken.md").write_text(field(GOOD_ARTICLE, "Slug", "sleep-and-pain"), encoding="utf-8")
    with pytest.raises(newpost.NewPostError) as refusal:
        newpost.create("Sleep and pain", "Sleep", dev_settings, articles, author="nobody")
    lines = str(refusal.value).splitlines()
    conf = DEV_SETTINGS.read_text(encoding="utf-8").splitlines()
    categories = next(n for n, line in enumerate(conf, start=1) if line.startswith("CATEGORIES ="))
    people = next(n for n, line in enumerate(conf, start=1) if line.startswith("PEOPLE ="))
    assert any(re.match(rf"^\S*pelicanconf\.py:{categories}: new-post-category: ", line) for line in lines), lines
    assert any(re.match(rf"^\S*pelicanconf\.py:{people}: new-post-person: ", line) for line in lines), lines
    assert any(re.match(rf"^\S*taken\.md:{LINE['Slug']}: new-post-exists: ", line) for line in lines), lines
    assert not [line for line in lines if ":0:" in line or "sleep-and-pain.md" in line], lines
