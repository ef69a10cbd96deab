"""The site builds from content/ into pages that readers get, each carrying the disclaimer."""

from bs4 import BeautifulSoup

from clinic.audit.checks import normalise
from conftest import GOOD_ARTICLE, article_sources, metadata_of


def soup_of(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_article_in_content_became_a_page(site):
    sources = article_sources()
    assert sources, "content/articles holds no articles"
    for source in sources:
        slug = metadata_of(source)["slug"]
        assert (site / "articles" / slug / "index.html").is_file(), f"{source.name} did not become a page"


def test_the_index_links_to_every_article(site):
    hrefs = {a["href"] for a in soup_of(site / "index.html").find_all("a", href=True)}
    pages = [site / f"page/{n}/index.html" for n in range(2, 20)]
    for page in pages:
        if page.is_file():
            hrefs |= {a["href"] for a in soup_of(page).find_all("a", href=True)}
    for source in article_sources():
        slug = metadata_of(source)["slug"]
        assert any(h.rstrip("/").endswith(f"articles/{slug}") for h in hrefs), f"the index does not link to {slug}"


def test_every_article_shows_the_disclaimer(site, settings):
    disclaimer = normalise(settings["MEDICAL_DISCLAIMER"])
    for source in article_sources():
        page = soup_of(site / "articles" / metadata_of(source)["slug"] / "index.html")
        main = page.find("main")
        assert main is not None and disclaimer in normalise(main.get_text(" ")), f"{source.name} lacks the disclaimer"


def test_a_theme_that_omits_the_disclaimer_is_caught(fixture_site, theme_copy):
    (theme_copy / "templates" / "partials" / "disclaimer.html").write_text("", encoding="utf-8")
    result = fixture_site({"articles/fixture.md": GOOD_ARTICLE}, theme=theme_copy)
    assert result.returncode == 1
    assert any(line.startswith("articles/fixture-article/index.html:") and ": disclaimer-missing: " in line
               for line in result.lines), result.stderr
    assert not result.output.exists(), "a failed build must not leave an output directory"


def test_a_broken_internal_link_fails_the_build_with_its_message(fixture_site):
    broken = GOOD_ARTICLE.replace("Clinicians ask", "See [the missing page]({filename}missing.md). Clinicians ask")
    result = fixture_site({"articles/fixture.md": broken})
    assert result.returncode == 1
    assert any("missing.md" in line for line in result.lines), result.stderr
    assert "Traceback" not in result.stderr
