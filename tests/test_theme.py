"""The theme, checked on the built site as readers get it: structure, notices, links and weight."""

from __future__ import annotations

import datetime
import gzip
import re
import struct
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import jinja2
import pytest
from bs4 import BeautifulSoup
from jinja2 import meta, nodes

from clinic.audit.checks import normalise
from clinic.render.images import intrinsic_size
from clinic.rules.editorial import add_months
from conftest import GOOD_ARTICLE, ROOT, article_sources, metadata_of, site_pages

WEIGHT_BUDGET = 30 * 1024  # per article page: HTML plus the stylesheet, gzip-compressed


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def html_pages(site: Path) -> list[Path]:
    return site_pages(site)


def article_page(site: Path, source: Path) -> Path:
    return site / "articles" / metadata_of(source)["slug"] / "index.html"


def text_of(node) -> str:
    return normalise(node.get_text(" "))


def built_file(site: Path, href: str) -> Path:
    """The file a root-relative or same-site link serves, the way the static host resolves clean URLs."""
    path = urlsplit(href).path
    target = site / path.lstrip("/")
    return target / "index.html" if path.endswith("/") else target


# --- every page ------------------------------------------------------------------------------------

def test_the_real_site_has_pages_to_check(site):
    assert len(html_pages(site)) > 20


def test_every_page_has_exactly_one_h1(site):
    for page in html_pages(site):
        count = len(soup_of(page).find_all("h1"))
        assert count == 1, f"{page.relative_to(site)} has {count} h1 elements"


def test_every_page_sets_its_language(site, settings):
    for page in html_pages(site):
        assert soup_of(page).html.get("lang") == settings["DEFAULT_LANG"], page.relative_to(site)


def test_every_page_starts_with_a_skip_link_to_its_main_landmark(site):
    for page in html_pages(site):
        soup = soup_of(page)
        first_link = soup.body.find("a")
        assert first_link is not None and first_link.get("href") == "#main", f"{page.relative_to(site)}: no skip link first"
        target = soup.find(id="main")
        assert target is not None and target.name == "main", f"{page.relative_to(site)}: #main is not the <main>"
        assert len(soup.find_all("main")) == 1
        assert soup.find("header") is not None and soup.find("footer") is not None


# html5lib predates the WHATWG change that made a bare "&" (as in "?k=a&tag=b") legal; every other error counts.
OUTDATED_PARSE_ERRORS = {"expected-named-entity"}


def test_every_page_is_valid_html5(site):
    for page in html_pages(site):
        parser = html5lib.HTMLParser(namespaceHTMLElements=False)
        parser.parse(page.read_text(encoding="utf-8"))
        errors = [(position, code) for position, code, _ in parser.errors if code not in OUTDATED_PARSE_ERRORS]
        assert not errors, f"{page.relative_to(site)}: {errors}"


def test_no_page_has_inline_styles_or_scripts(site):
    for page in html_pages(site):
        soup = soup_of(page)
        rel = page.relative_to(site)
        assert not soup.find_all(style=True), f"{rel} has a style attribute"
        assert not soup.find_all("style"), f"{rel} has a <style> element"
        for script in soup.find_all("script"):
            # JSON-LD is data the browser never runs, so the CSP's script-src does not apply to it.
            assert script.get("src") or script.get("type") == "application/ld+json", f"{rel} has an inline script"
        handlers = [(tag.name, a) for tag in soup.find_all(True) for a in tag.attrs if a.lower().startswith("on")]
        assert not handlers, f"{rel} has inline event handlers {handlers}"


FETCHING = [("img", "src"), ("img", "srcset"), ("script", "src"), ("iframe", "src"), ("source", "src"),
            ("source", "srcset"), ("video", "src"), ("video", "poster"), ("audio", "src"), ("object", "data"),
            ("embed", "src"), ("input", "src")]
FETCHING_LINK_RELS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest", "apple-touch-icon"}


def test_no_page_loads_anything_from_another_origin(site):
    """Even a production build served on localhost makes no request outside the host it came from."""
    for page in html_pages(site):
        soup = soup_of(page)
        urls = [tag[attr] for name, attr in FETCHING for tag in soup.find_all(name) if tag.get(attr)]
        urls += [link["href"] for link in soup.find_all("link", href=True)
                 if FETCHING_LINK_RELS & set(link.get("rel") or [])]
        for url in urls:
            for candidate in url.split(","):
                candidate = candidate.strip().split(" ")[0]
                assert not urlsplit(candidate).netloc and not urlsplit(candidate).scheme, \
                    f"{page.relative_to(site)} loads {candidate}"


def test_every_page_footer_carries_the_short_disclaimer_and_the_policy_links(site, settings):
    policy_pages = ["medical-disclaimer", "affiliate-disclosure", "editorial-policy", "privacy"]
    for page in html_pages(site):
        footer = soup_of(page).find("footer", class_="site-footer")
        rel = page.relative_to(site)
        assert footer is not None, f"{rel} has no site footer"
        assert normalise(settings["MEDICAL_DISCLAIMER_SHORT"]) in text_of(footer), f"{rel}: footer lacks the disclaimer"
        assert settings["CLINIC"]["phone_display"] in text_of(footer), f"{rel}: footer lacks the clinic's details"
        hrefs = {a["href"] for a in footer.find_all("a", href=True)}
        for slug in policy_pages:
            assert f"/{slug}/" in hrefs, f"{rel}: footer does not link to {slug}"
            assert built_file(site, f"/{slug}/").is_file()


def test_internal_links_in_the_theme_resolve_to_built_files(site):
    for page in html_pages(site):
        soup = soup_of(page)
        for selector in ("header a[href^='/']", "footer a[href^='/']", "nav a[href^='/']"):
            for link in soup.select(selector):
                assert built_file(site, link["href"]).is_file(), f"{page.relative_to(site)} links to {link['href']}"


def test_the_404_page_exists_at_the_root_and_offers_a_way_on(site):
    page = site / "404.html"
    assert page.is_file()
    main = soup_of(page).find("main")
    hrefs = [a["href"] for a in main.find_all("a", href=True)]
    assert "/" in hrefs and len(hrefs) >= 2
    for href in hrefs:
        assert built_file(site, href).is_file(), href


def test_the_stylesheet_has_both_schemes_print_and_no_web_fonts(site):
    css = (site / "theme" / "css" / "site.css").read_text(encoding="utf-8")
    assert re.search(r"prefers-color-scheme:\s*dark", css)
    assert re.search(r"@media\s+print", css)
    assert "@font-face" not in css and "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), "the stylesheet fetches from another origin"


# --- articles ----------------------------------------------------------------------------------------

def test_every_article_has_a_byline_naming_author_and_reviewer_with_credentials(site, settings):
    people = settings["PEOPLE"]
    for source in article_sources():
        meta = metadata_of(source)
        byline = soup_of(article_page(site, source)).find(class_="byline")
        assert byline is not None, f"{source.name} has no byline"
        text = normalise(byline.get_text())
        writer, reviewer = people[meta["author"]], people[meta["reviewer"]]
        assert f"Written by {writer['name']}" in text and writer["credentials"] in text, f"{source.name}: {text}"
        assert f"Medically reviewed by {reviewer['name']}, {reviewer['credentials']}" in text, f"{source.name}: {text}"
        author_link = byline.find("a", href=True)
        assert built_file(site, author_link["href"]).is_file(), author_link["href"]
        reviewer_link = urlsplit(byline.find("a", class_="reviewer")["href"])
        listing = soup_of(built_file(site, reviewer_link.path))
        entry = listing.find(id=reviewer_link.fragment)
        assert entry is not None and reviewer["credentials"] in text_of(entry), f"{source.name}: reviewer entry missing"


def test_every_article_shows_when_it_was_reviewed_and_when_it_is_next_due(site, settings):
    for source in article_sources():
        reviewed = datetime.date.fromisoformat(metadata_of(source)["last_reviewed"])
        due = add_months(reviewed, settings["REVIEW_INTERVAL_MONTHS"])
        dates = soup_of(article_page(site, source)).find(class_="review-dates")
        assert dates is not None, f"{source.name} has no review dates"
        shown = {text_of(dt): dt.find_next_sibling("dd") for dt in dates.find_all("dt")}
        assert shown["Page last reviewed"].time["datetime"] == reviewed.isoformat(), source.name
        assert shown["Next review due"].time["datetime"] == due.isoformat(), source.name


def test_every_article_shows_a_reading_time_from_its_length(site):
    for source in article_sources():
        soup = soup_of(article_page(site, source))
        words = len(soup.find(class_="article-body").get_text(" ").split())
        dd = next(dt.find_next_sibling("dd") for dt in soup.select(".review-dates dt") if text_of(dt) == "Reading time")
        minutes = int(re.match(r"(\d+) min", text_of(dd)).group(1))
        assert abs(minutes - words / 200) <= 1, f"{source.name}: {minutes} min for {words} words"


def test_every_article_has_title_summary_and_notices_before_its_body(site, settings):
    for source in article_sources():
        soup = soup_of(article_page(site, source))
        main = soup.find("main")
        order = [node for node in main.find_all(True)]
        body = main.find(class_="article-body")
        disclaimer = main.find(class_="disclaimer")
        assert normalise(settings["MEDICAL_DISCLAIMER"]) in text_of(disclaimer)
        assert order.index(disclaimer) < order.index(body), f"{source.name}: disclaimer after the body"
        assert text_of(main.find(class_="summary")) == normalise(metadata_of(source)["summary"])


def test_every_notice_text_appears_once_on_an_article(site, settings):
    for source in article_sources():
        text = text_of(soup_of(article_page(site, source)).find("main"))
        assert text.count(normalise(settings["MEDICAL_DISCLAIMER"])) == 1, source.name
        assert text.count(normalise(settings["EMERGENCY_NOTICE"])) == 1, source.name


def test_long_articles_have_a_table_of_contents_whose_links_land(site):
    for source in article_sources():
        soup = soup_of(article_page(site, source))
        if len(soup.select(".article-body h2[id]")) < 3:
            continue
        toc = soup.find("nav", class_="toc")
        assert toc is not None, f"{source.name} is long but has no table of contents"
        for link in toc.find_all("a"):
            assert soup.find(id=link["href"][1:]) is not None, f"{source.name}: {link['href']} goes nowhere"


def test_sources_are_a_numbered_list_under_a_sources_heading(site):
    for source in article_sources():
        notes = len(re.findall(r"^\[\^[^\]]+\]:", source.read_text(encoding="utf-8"), re.M))
        section = soup_of(article_page(site, source)).find("section", class_="sources")
        assert section is not None, f"{source.name} has no sources section"
        assert text_of(section.find("h2")) == "Sources"
        items = section.find("ol").find_all("li", recursive=False)
        assert len(items) == notes, f"{source.name}: {len(items)} sources listed, {notes} footnotes written"
        assert all(item.find("a", href=re.compile("^https?://")) for item in items), source.name
        body = section.find_previous_sibling(class_="article-body")
        assert body is not None and not body.select(".footnote"), f"{source.name}: sources left inside the body"


def test_faq_sections_are_native_details_and_summary(site):
    checked = 0
    for source in article_sources():
        text = source.read_text(encoding="utf-8")
        if "{: .faq }" not in text:
            continue
        faq_part = text.split("{: .faq }", 1)[1].split("\n## ", 1)[0]
        questions = [q.strip() for q in re.findall(r"^### (.+)$", faq_part, re.M)]
        body = soup_of(article_page(site, source)).find(class_="article-body")
        details = body.find_all("details", class_="faq-item")
        assert [normalise(d.summary.get_text(" ")) for d in details] == [normalise(q) for q in questions]
        assert all(d.summary is d.find(True) for d in details), "summary must be the first child of details"
        checked += 1
    assert checked, "no article has an FAQ section to check"


def test_related_and_neighbouring_articles_link_to_built_pages(site):
    seen = 0
    for source in article_sources():
        soup = soup_of(article_page(site, source))
        for link in soup.select(".related a, .neighbors a"):
            assert built_file(site, link["href"]).is_file(), f"{source.name} links to {link['href']}"
            seen += 1
    assert seen >= len(article_sources()), "articles show almost no related or neighbouring links"


def test_every_article_ends_with_a_call_to_action_from_the_clinic_settings(site, settings):
    for source in article_sources():
        cta = soup_of(article_page(site, source)).find(class_="cta")
        assert cta is not None, source.name
        hrefs = {a["href"] for a in cta.find_all("a", href=True)}
        assert settings["CLINIC"]["booking_url"] in hrefs
        assert "tel:" + settings["CLINIC"]["phone"].replace(" ", "") in hrefs


def test_article_images_are_figures_with_captions_sizes_and_lazy_loading(site):
    images = 0
    for source in article_sources():
        for img in soup_of(article_page(site, source)).select(".article-body img"):
            images += 1
            assert img.get("alt"), f"{source.name}: an image has no alt text"
            assert img.get("loading") == "lazy" and img.get("decoding") == "async", source.name
            assert img.get("width", "").isdigit() and img.get("height", "").isdigit(), source.name
            assert img.get("src", "").startswith("/") and not img["src"].startswith("//"), img.get("src")
            figure = img.find_parent("figure")
            if figure is not None:
                assert figure.figcaption is not None and figure.figcaption.get_text(strip=True)
    assert images, "no article has an image to check"


def test_an_article_page_with_its_stylesheet_stays_under_the_weight_budget(site):
    css = len(gzip.compress((site / "theme" / "css" / "site.css").read_bytes(), 9))
    for source in article_sources():
        html = len(gzip.compress(article_page(site, source).read_bytes(), 9))
        assert html + css < WEIGHT_BUDGET, f"{source.name}: {html + css} bytes compressed"


# --- home and listings -------------------------------------------------------------------------------

def test_the_home_page_says_who_the_clinic_is_and_how_to_book(site, settings):
    main = soup_of(site / "index.html").find("main")
    clinic = settings["CLINIC"]
    assert clinic["name"] in text_of(main)
    hrefs = {a["href"] for a in main.find_all("a", href=True)}
    assert clinic["booking_url"] in hrefs and "tel:" + clinic["phone"].replace(" ", "") in hrefs


def test_the_home_page_offers_every_category_and_the_newest_article(site):
    main = soup_of(site / "index.html").find("main")
    hrefs = {a["href"] for a in main.find_all("a", href=True)}
    categories = {metadata_of(s)["category"] for s in article_sources()}
    for name in categories:
        link = main.find("a", string=name)
        assert link is not None and built_file(site, link["href"]).is_file(), f"no entry point for {name}"
    newest = max(article_sources(), key=lambda s: metadata_of(s)["date"])
    assert f"/articles/{metadata_of(newest)['slug']}/" in hrefs


def test_author_pages_name_the_person_from_settings(site, settings):
    for source in article_sources():
        key = metadata_of(source)["author"]
        page = site / "author" / key / "index.html"
        assert text_of(soup_of(page).find("h1")) == settings["PEOPLE"][key]["name"]


def test_the_static_pages_use_their_templates(site, settings):
    disclaimer = text_of(soup_of(site / "medical-disclaimer" / "index.html").find("main"))
    assert normalise(settings["MEDICAL_DISCLAIMER"]) in disclaimer
    disclosure = text_of(soup_of(site / "affiliate-disclosure" / "index.html").find("main"))
    assert normalise(settings["AFFILIATE_NOTICE"]) in disclosure
    contact = text_of(soup_of(site / "contact" / "index.html").find("main"))
    assert settings["CLINIC"]["email"] in contact and settings["CLINIC"]["hours"] in contact
    for slug in ("about", "editorial-policy", "privacy"):
        assert (site / slug / "index.html").is_file()


def _many_articles(count: int) -> dict[str, str]:
    files = {}
    for n in range(count):
        text = GOOD_ARTICLE.replace("Slug: fixture-article", f"Slug: fixture-article-{n}")
        text = text.replace("Title: A fixture article about sleep and pain", f"Title: Fixture article number {n}")
        text = text.replace("Date: 2026-10-01", f"Date: 2026-10-{n + 1:02d}")
        files[f"articles/fixture-{n}.md"] = text
    return files


def test_listings_paginate_and_their_page_links_resolve(fixture_site, settings):
    count = settings["DEFAULT_PAGINATION"] + 2
    result = fixture_site(_many_articles(count))
    assert result.returncode == 0, result.stderr
    site = result.output
    for listing in ("index.html", "category/chronic-pain/index.html", "archives/index.html",
                    "author/example-writer/index.html", "tag/sleep/index.html"):
        first = soup_of(site / listing)
        assert len(first.select("main .article-list > li")) == settings["DEFAULT_PAGINATION"], listing
        older = first.select_one(".pagination a[rel=next]")
        assert older is not None, f"{listing} has no link to its second page"
        second_path = built_file(site, older["href"])
        assert second_path.is_file(), older["href"]
        second = soup_of(second_path)
        assert len(second.select("main .article-list > li")) == 2
        newer = second.select_one(".pagination a[rel=prev]")
        assert built_file(site, newer["href"]) == site / listing


def test_templates_escape_settings_text(fixture_site):
    result = fixture_site({"articles/fixture.md": GOOD_ARTICLE}, 'SITESUBTITLE="Pain <b>relief</b> & sleep"')
    assert result.returncode == 0, result.stderr
    main = soup_of(result.output / "index.html").find("main")
    assert "Pain <b>relief</b> & sleep" in main.get_text(), "the subtitle was not shown as text"
    assert main.find("b") is None, "a settings value was rendered as markup"


# --- the templates themselves --------------------------------------------------------------------------

TEMPLATES = ROOT / "theme" / "templates"
# What a partial may read without being handed it: the site's own values, the same on every page.
SITE_WIDE = {"pages", "categories", "asset", "structured_data", "content_security_policy", "glossary_entries"}


def _parsed(template: Path) -> nodes.Template:
    return jinja2.Environment().parse(template.read_text(encoding="utf-8"))


def test_partials_read_the_page_only_through_their_parameters(settings):
    """base.html's convention: what a partial shows of the page is passed to it; settings it reads itself."""
    for partial in sorted((TEMPLATES / "partials").glob("*.html")):
        unknown = meta.find_undeclared_variables(_parsed(partial)) - set(settings) - SITE_WIDE
        assert not unknown, f"{partial.name} reads {sorted(unknown)} from the template using it; make them parameters"


def test_a_partial_with_parameters_is_one_macro_named_after_its_file_and_never_included():
    macro_files = set()
    for partial in sorted((TEMPLATES / "partials").glob("*.html")):
        macros = [m.name for m in _parsed(partial).find_all(nodes.Macro)]
        assert macros in ([], [partial.stem]), f"{partial.name} defines {macros}; one macro, named {partial.stem}"
        macro_files |= {f"partials/{partial.name}"} if macros else set()
    for template in sorted(TEMPLATES.rglob("*.html")):
        included = {node.template.value for node in _parsed(template).find_all(nodes.Include)}
        assert not included & macro_files, f"{template.name} includes {sorted(included & macro_files)}, which shows nothing; import it"


def test_every_listing_extends_the_one_list_layout():
    for name in ("index", "category", "tag", "author", "archives"):
        extends = next(_parsed(TEMPLATES / f"{name}.html").find_all(nodes.Extends))
        assert extends.template.value == "list.html", f"{name}.html does not extend list.html"


# --- the image helper -------------------------------------------------------------------------------

def test_intrinsic_size_reads_png_and_svg_headers(tmp_path):
    png = tmp_path / "a.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + struct.pack(">II", 640, 360) + b"\x08\x02\x00\x00\x00")
    svg = tmp_path / "b.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720 420"></svg>', encoding="utf-8")
    assert intrinsic_size(png) == (640, 360)
    assert intrinsic_size(svg) == (720, 420)
    assert intrinsic_size(None) is None


def test_the_theme_has_one_stylesheet():
    static = ROOT / "theme" / "static"
    assert [p.name for p in static.rglob("*.css")] == ["site.css"]
