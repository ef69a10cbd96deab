"""Readers find the articles through feeds, search engines and the site's own search: each path is checked
on the built site (feeds with a real feed parser, JSON-LD parsed and compared with the page, the sitemap
against the HTML files that exist, the Pagefind index as the browser downloads it)."""

from __future__ import annotations

import datetime
import gzip
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from clinic import affiliate
from clinic.build import search_index
from clinic.audit.checks import normalise
from clinic.render.structured_data import to_json
from clinic.settings import load_settings
from conftest import GOOD_ARTICLE, PROD_SETTINGS, article_sources, metadata_of, site_pages

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NOT_PUBLIC = {"404.html", "search/index.html"}


# --- helpers: read the built site as a reader's tools would ------------------------------------------

def soup_of(path: Path, parser: str = "html.parser") -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), parser)


def text(node) -> str:
    return normalise(node.get_text("")) if node is not None else ""


def html_pages(site: Path) -> list[Path]:
    return site_pages(site)


def public_pages(site: Path) -> list[Path]:
    """Every HTML file a reader can reach and a search engine should list."""
    return [p for p in html_pages(site)
            if p.relative_to(site).as_posix() not in NOT_PUBLIC
            and not p.relative_to(site).as_posix().startswith("drafts/")]


def url_of(site: Path, page: Path, settings) -> str:
    rel = page.relative_to(site).as_posix()
    return settings["SITEURL"] + "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def articles(site: Path) -> dict[str, tuple[Path, dict]]:
    """slug -> (built page, metadata from the Markdown header), for every article in content/."""
    found = {}
    for source in article_sources():
        meta = metadata_of(source)
        found[meta["slug"]] = (site / "articles" / meta["slug"] / "index.html", meta)
    assert found, "content/articles holds no articles"
    return found


def json_ld(page: BeautifulSoup) -> list[dict]:
    return [json.loads(script.string) for script in page.find_all("script", type="application/ld+json")]


def of_type(blocks: list[dict], kind: str) -> list[dict]:
    return [block for block in blocks if block.get("@type") == kind]


def feed_files(site: Path) -> list[Path]:
    feeds = sorted((site / "feeds").glob("*.xml"))
    assert feeds, "the production build wrote no feeds"
    return feeds


def entry_bodies(entry) -> list[str]:
    """Every HTML field of an entry a reader may be shown: Atom content and summary, RSS description."""
    bodies = [part.value for part in entry.get("content", [])]
    if entry.get("summary"):
        bodies.append(entry.summary)
    return bodies


def affiliate_links_in(soup, settings) -> list:
    patterns = settings["AFFILIATE_LINK_PATTERNS"]
    return [a for a in soup.find_all("a", href=True) if affiliate.is_affiliate(a["href"], patterns)]


def pagefind_records(site: Path) -> list[dict]:
    """The Pagefind fragments the browser fetches: gzip, a signature, then JSON (url, meta, filters)."""
    records = []
    for fragment in sorted((site / load_settings(PROD_SETTINGS)["SEARCH_INDEX_PATH"] / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(fragment.read_bytes())
        assert raw.startswith(b"pagefind_dcd"), f"{fragment.name} is not a Pagefind fragment"
        records.append(json.loads(raw[len(b"pagefind_dcd"):]))
    return records


# --- feeds ------------------------------------------------------------------------------------------

def test_every_feed_parses_and_every_entry_carries_the_disclaimer(site, settings):
    disclaimer = normalise(settings["MEDICAL_DISCLAIMER"])
    for feed in feed_files(site):
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, f"{feed.name} is not a well-formed feed: {parsed.get('bozo_exception')}"
        assert parsed.entries, f"{feed.name} has no entries"
        for entry in parsed.entries:
            bodies = entry_bodies(entry)
            assert bodies, f"{feed.name}: {entry.link} has no content"
            for body in bodies:
                assert disclaimer in normalise(BeautifulSoup(body, "html.parser").get_text(" ")), \
                    f"{feed.name}: {entry.link} lacks the medical disclaimer"


def test_feed_entries_with_affiliate_links_show_the_notice_before_the_first_link(site, settings):
    notice = normalise(settings["AFFILIATE_NOTICE"])
    checked = 0
    for feed in feed_files(site):
        for entry in feedparser.parse(feed.read_bytes()).entries:
            for body in entry_bodies(entry):
                soup = BeautifulSoup(body, "html.parser")
                links = affiliate_links_in(soup, settings)
                if not links:
                    continue
                checked += 1
                before = "".join(str(s) for s in links[0].find_all_previous(string=True)[::-1])
                assert notice in normalise(before), f"{feed.name}: {entry.link} shows an affiliate link before the notice"
    pages_with_links = [slug for slug, (page, _) in articles(site).items() if affiliate_links_in(soup_of(page), settings)]
    # Each such article is in the all-articles Atom and RSS feeds (content + summary in Atom, description in RSS)
    # and in its category's two feeds, so it is checked at least four times.
    assert checked >= 4 * len(pages_with_links), (checked, pages_with_links)


def test_feeds_list_the_newest_articles_with_their_full_text(site, settings):
    newest = sorted(articles(site).items(), key=lambda item: item[1][1]["date"], reverse=True)
    expected = {f"{settings['SITEURL']}/articles/{slug}/" for slug, _ in newest[:settings["FEED_MAX_ITEMS"]]}
    for name in ("all.atom.xml", "all.rss.xml"):
        parsed = feedparser.parse((site / "feeds" / name).read_bytes())
        assert {entry.link for entry in parsed.entries} == expected, name
        for entry in parsed.entries:
            page = soup_of(site / entry.link.removeprefix(settings["SITEURL"] + "/") / "index.html")
            headings = [text(h) for h in page.select(".article-body h2")]
            body = normalise(BeautifulSoup(entry_bodies(entry)[0], "html.parser").get_text(""))
            missing = [h for h in headings if h not in body]
            assert headings and not missing, f"{name}: {entry.link} is not the full article (missing {missing})"


def test_a_feed_holds_only_the_newest_entries_up_to_the_cap_and_each_is_audited(fixture_site):
    files = {f"articles/a{day}.md": GOOD_ARTICLE.replace("2026-10-01", f"2026-10-0{day}")
             .replace("fixture-article", f"fixture-{day}") for day in (1, 2, 3)}
    result = fixture_site(files, "FEED_MAX_ITEMS=2")
    assert result.returncode == 0, result.stderr
    for name in ("all.atom.xml", "all.rss.xml"):
        links = [e.link for e in feedparser.parse((result.output / "feeds" / name).read_bytes()).entries]
        assert [link.rstrip("/").rsplit("/", 1)[-1] for link in links] == ["fixture-3", "fixture-2"], name
    check = subprocess.run([sys.executable, "-m", "clinic.audit.check", str(result.output), "--settings",
                            str(PROD_SETTINGS)], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": "plugins"})
    assert check.returncode == 0, check.stderr
    # all and one category feed, Atom and RSS, two entries each: every entry written is audited
    assert "(8 entries)" in check.stdout, check.stdout


def test_each_category_feed_holds_exactly_that_categorys_articles(site, settings):
    by_category: dict[str, set[str]] = {}
    for slug, (page, _) in articles(site).items():
        category_link = soup_of(page).select_one(".article-header .kicker a")
        slug_of_category = category_link["href"].strip("/").split("/")[-1]
        by_category.setdefault(slug_of_category, set()).add(f"{settings['SITEURL']}/articles/{slug}/")
    for category, urls in by_category.items():
        for kind in ("atom", "rss"):
            feed = site / "feeds" / f"{category}.{kind}.xml"
            assert feed.is_file(), f"no {kind} feed for category {category}"
            assert {e.link for e in feedparser.parse(feed.read_bytes()).entries} == urls, feed.name


def test_every_page_links_to_the_feeds_that_exist(site):
    for page in public_pages(site):
        alternates = soup_of(page).find_all("link", rel="alternate")
        hrefs = {link["href"] for link in alternates}
        assert {"/feeds/all.atom.xml", "/feeds/all.rss.xml"} <= hrefs, page
        for href in hrefs:
            assert (site / href.lstrip("/")).is_file(), f"{page} links to a missing feed {href}"


# --- sitemap and robots.txt ---------------------------------------------------------------------------

def sitemap_entries(site: Path) -> dict[str, str]:
    root = ET.parse(site / "sitemap.xml").getroot()
    return {url.findtext(f"{SITEMAP_NS}loc"): url.findtext(f"{SITEMAP_NS}lastmod") for url in root}


def test_the_sitemap_lists_exactly_the_public_html_pages(site, settings):
    listed = set(sitemap_entries(site))
    expected = {url_of(site, page, settings) for page in public_pages(site)}
    assert listed == expected, f"missing: {sorted(expected - listed)}; not public: {sorted(listed - expected)}"


def test_sitemap_lastmod_comes_from_the_content_never_the_build_time(site, settings):
    entries = sitemap_entries(site)
    newest = None
    for slug, (_, meta) in articles(site).items():
        lastmod = entries[f"{settings['SITEURL']}/articles/{slug}/"]
        assert lastmod.startswith(meta.get("modified") or meta["date"]), (slug, lastmod, meta.get("modified"))
        day = datetime.date.fromisoformat(meta.get("modified") or meta["date"])
        newest = max(newest or day, day)
    for url, lastmod in entries.items():
        assert lastmod, f"{url} has no lastmod"
        day = datetime.datetime.fromisoformat(lastmod).date()
        assert day <= newest, f"{url}: lastmod {lastmod} is newer than any content (the build time?)"


def test_robots_txt_points_to_the_sitemap(site, settings):
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {settings['SITEURL']}/sitemap.xml" in robots.splitlines()
    assert (site / "sitemap.xml").is_file()


# --- meta tags ---------------------------------------------------------------------------------------

def test_every_page_names_its_canonical_url_and_link_preview(site, settings):
    for page in public_pages(site):
        soup = soup_of(page)
        canonical = soup.find_all("link", rel="canonical")
        assert len(canonical) == 1 and canonical[0]["href"] == url_of(site, page, settings), page
        props = {m["property"]: m["content"] for m in soup.find_all("meta", property=True)}
        names = {m["name"]: m["content"] for m in soup.find_all("meta", attrs={"name": True})}
        assert props["og:url"] == canonical[0]["href"], page
        assert props["og:title"] and props["og:description"] and props["og:site_name"] == settings["SITENAME"]
        assert names["twitter:card"] == "summary" and names["twitter:title"] == props["og:title"], page


def test_article_descriptions_come_from_the_summary(site):
    for slug, (page, meta) in articles(site).items():
        soup = soup_of(page)
        description = normalise(soup.find("meta", attrs={"name": "description"})["content"])
        summary = normalise(meta["summary"])
        assert description == summary, slug
        assert normalise(soup.find("meta", property="og:description")["content"]) == summary, slug
        assert soup.find("meta", property="og:type")["content"] == "article", slug


# --- structured data ---------------------------------------------------------------------------------

def test_every_json_ld_block_parses_and_is_written_without_markup_characters(site):
    blocks = 0
    for page in html_pages(site):
        for script in soup_of(page).find_all("script", type="application/ld+json"):
            raw = script.string or ""
            assert not set(raw) & set("<>&"), f"{page}: JSON-LD holds a raw <, > or &"
            data = json.loads(raw)
            assert data["@context"] == "https://schema.org" and data["@type"], page
            blocks += 1
    assert blocks >= 2 * len(articles(site))


def test_article_json_ld_matches_what_the_page_shows(site, settings):
    for slug, (page, meta) in articles(site).items():
        soup = soup_of(page)
        (data,) = of_type(json_ld(soup), "MedicalWebPage")
        assert normalise(data["headline"]) == text(soup.find("h1")), slug
        assert data["url"] == data["@id"] == f"{settings['SITEURL']}/articles/{slug}/"
        assert data["datePublished"].startswith(meta["date"]), slug
        assert data["dateModified"].startswith(meta.get("modified") or meta["date"]), slug
        shown_review = soup.select_one(".review-dates time")["datetime"]
        assert data["lastReviewed"] == shown_review == meta["last_reviewed"], slug
        assert normalise(data["reviewedBy"]["name"]) == text(soup.select_one(".byline .reviewer")), slug
        assert data["reviewedBy"]["name"] == settings["PEOPLE"][meta["reviewer"]]["name"], slug
        assert data["author"]["name"] == settings["PEOPLE"][meta["author"]]["name"], slug
        assert data["author"]["name"] in text(soup.select_one(".byline")), slug
        assert text(soup.select_one(".kicker a")) in [thing["name"] for thing in data["about"]], slug
        shown_sources = {a["href"] for a in soup.select(".sources a[href^=http]")}
        assert data["citation"] and set(data["citation"]) <= shown_sources, slug


def test_faq_sections_are_described_as_faq_pages(site):
    with_faq = 0
    for slug, (page, _) in articles(site).items():
        soup = soup_of(page)
        questions = [text(item.find("summary")) for item in soup.select("details.faq-item")]
        faq_blocks = of_type(json_ld(soup), "FAQPage")
        if not questions:
            assert not faq_blocks, f"{slug} has FAQ data but no FAQ section"
            continue
        with_faq += 1
        (faq,) = faq_blocks
        assert [normalise(q["name"]) for q in faq["mainEntity"]] == questions, slug
        assert all(q["acceptedAnswer"]["text"] for q in faq["mainEntity"]), slug
    assert with_faq, "no article has an FAQ section, so FAQPage is untested"


def test_breadcrumbs_lead_from_home_to_the_page(site, settings):
    for slug, (page, _) in articles(site).items():
        soup = soup_of(page)
        (crumbs,) = of_type(json_ld(soup), "BreadcrumbList")
        items = crumbs["itemListElement"]
        assert [i["position"] for i in items] == list(range(1, len(items) + 1))
        assert items[0]["item"] == settings["SITEURL"] + "/"
        assert items[1]["item"] == settings["SITEURL"] + soup.select_one(".kicker a")["href"]
        assert items[-1]["item"] == soup.find("link", rel="canonical")["href"], slug


def test_the_clinic_is_described_from_settings(site, settings):
    clinic = settings["CLINIC"]
    for page in (site / "index.html", site / "contact" / "index.html"):
        (data,) = of_type(json_ld(soup_of(page)), "MedicalClinic")
        assert data["name"] == clinic["name"] and data["telephone"] == clinic["phone"]
        assert data["email"] == clinic["email"] and data["url"] == settings["SITEURL"] + "/"
        assert data["address"]["streetAddress"] == clinic["street"]
        assert data["address"]["postalCode"] == clinic["postal_code"]


def test_the_json_encoder_leaves_no_character_that_could_end_a_script():
    hostile = '</script><script>alert(1)</script><b>&"\u2028'
    written = to_json({"name": hostile})
    assert not set(written) & set("<>&\u2028")
    assert json.loads(written) == {"name": hostile}


def test_a_title_with_script_and_markup_stays_inside_its_json_ld(fixture_site):
    title = 'Escaping </script><script>alert(1)</script> and <b>&"</b> in titles'
    article = GOOD_ARTICLE.replace("Title: A fixture article about sleep and pain", f"Title: {title}")
    result = fixture_site({"articles/fixture.md": article})
    assert result.returncode == 0, result.stderr
    page = result.output / "articles" / "fixture-article" / "index.html"
    # html5lib splits the document the way a browser does, so a breakout would show up as a script here.
    soup = soup_of(page, "html5lib")
    scripts = soup.find_all("script")
    assert not [s for s in scripts if "alert(1)" in (s.string or "") and s.get("type") != "application/ld+json"]
    for script in soup.find_all("script", type="application/ld+json"):
        assert not set(script.string) & set("<>&"), script.string
    (data,) = of_type(json_ld(soup), "MedicalWebPage")
    # The structured data says exactly what the reader sees in the heading, markup characters and all.
    assert normalise(data["headline"]) == text(soup.find("h1"))
    assert "alert(1)" in data["headline"]
    (crumbs,) = of_type(json_ld(soup), "BreadcrumbList")
    assert crumbs["itemListElement"][-1]["name"] == data["headline"]


# --- site search ---------------------------------------------------------------------------------------

def test_the_search_index_holds_every_article_with_its_title_and_category(site):
    records = {record["url"]: record for record in pagefind_records(site)}
    assert (site / "pagefind" / "pagefind.js").is_file() and (site / "pagefind" / "pagefind-entry.json").is_file()
    for slug, (page, _) in articles(site).items():
        soup = soup_of(page)
        record = records.get(f"/articles/{slug}/")
        assert record is not None, f"{slug} is not in the search index"
        assert normalise(record["meta"]["title"]) == text(soup.find("h1")), slug
        assert record["filters"]["category"] == [text(soup.select_one(".kicker a"))], slug
        assert record["word_count"] > 100, slug
    assert "/search/" not in records and "/404.html" not in records


def test_search_indexes_the_article_text_not_the_repeated_notices(site, settings):
    disclaimer = normalise(settings["MEDICAL_DISCLAIMER"])
    for record in pagefind_records(site):
        assert disclaimer not in normalise(record["content"]), f"{record['url']}: the disclaimer would match every search"


def test_the_search_page_loads_only_our_own_script_and_falls_back_to_the_archives(site):
    soup = soup_of(site / "search" / "index.html")
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    scripts = [s for s in soup.find_all("script") if s.get("type") != "application/ld+json"]
    # (a ?v=<hash> query may follow the path: hashed asset URLs)
    assert [s.get("src", "").split("?")[0] for s in scripts] == ["/theme/js/search.js"]
    assert not any(s.string for s in scripts)
    assert (site / "theme" / "js" / "search.js").is_file()
    assert soup.select_one("[data-search-nojs]") is not None
    assert soup.select_one("[data-search-browse] a[href='/archives/']") is not None
    assert not soup.find_all(style=True), "inline styles are refused by the Content-Security-Policy"


def test_every_page_has_a_search_box_that_works_as_a_plain_form(site):
    for page in public_pages(site):
        form = soup_of(page).select_one("header form[role=search]")
        assert form is not None, page
        assert form["action"] == "/search/" and form.get("method", "get").lower() == "get"
        assert form.find("input", attrs={"name": "q"}) is not None


def test_a_site_pagefind_cannot_index_fails_the_step_with_one_problem(tmp_path):
    problems = search_index.build_search_index(tmp_path, {"SEARCH_INDEX_PATH": "pagefind"})
    assert [p.rule for p in problems] == ["search-index"]
    assert "Pagefind" in problems[0].message


def test_the_build_waits_for_the_pagefind_it_started_early(tmp_path, settings):
    (tmp_path / "about").mkdir()
    (tmp_path / "about" / "index.html").write_text(
        "<html lang='en'><body><main data-pagefind-body><h1>About</h1><p>Clinic hours.</p></main></body></html>")
    search_index.start_search_index(tmp_path, settings)
    assert search_index.build_search_index(tmp_path, settings) == []
    assert (tmp_path / settings["SEARCH_INDEX_PATH"] / "pagefind-entry.json").is_file()
