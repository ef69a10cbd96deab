"""Plain language (issue 11): reading level, key points, abbreviations and the glossary, through the real CLI."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import CONTENT, FILLER, GOOD_ARTICLE, ROOT, article_sources

FIXTURE = "articles/fixture.md"
TODAY = 'RULES_TODAY="2026-11-15"'
KEY_POINTS_LINE = GOOD_ARTICLE.splitlines().index(
    next(line for line in GOOD_ARTICLE.splitlines() if line.startswith("Key_points:"))) + 1
BODY_LINE = KEY_POINTS_LINE + 4

HARD = ("The multidimensional characterization of nociceptive hypersensitivity necessitates comprehensive "
        "interdisciplinary evaluation, incorporating psychophysiological, neurophysiological and sociocultural "
        "considerations alongside conventional pharmacotherapeutic interventions.")


def _lines(result, rule):
    return [line for line in result.lines if f": {rule}: " in line]


@pytest.fixture
def fixture_site(fixture_site):
    """Short bodies, so that the sentences a test writes decide the grade (the guide's article length is
    test_guide_rules.py's to test)."""
    return lambda files, *sets, **kw: fixture_site(files, "ARTICLE_WORDS_MIN=0", *sets, **kw)


def _with_body(body: str) -> str:
    """The fixture article with `body` as its first paragraph, and without its long plain filler."""
    head, _, rest = GOOD_ARTICLE.replace(f" {FILLER}", "").partition("\n\nPoor sleep")
    return head + "\n\n" + body + "\n\nPoor sleep" + rest


def _with_key_points(*points: str) -> str:
    lines = GOOD_ARTICLE.splitlines(keepends=True)
    start = KEY_POINTS_LINE - 1
    kept = [line for i, line in enumerate(lines) if not (start <= i < start + 3)]
    field = ([f"Key_points: {points[0]}\n"] + [f"    {p}\n" for p in points[1:]]) if points else []
    return "".join(kept[:start] + field + kept[start:])


# --- reading-grade-high ------------------------------------------------------------------------------

def test_an_article_above_the_grade_is_refused_with_its_figure_and_hardest_sentences(fixture_site):
    result = fixture_site({FIXTURE: _with_body(f"{HARD} {HARD.replace('The ', 'Such ')}\n\nShort words help.")}, TODAY)
    assert result.returncode == 1, result.stderr
    found = _lines(result, "reading-grade-high")
    assert len(found) == 1, result.stderr
    line = found[0]
    assert re.match(rf"^(.*/)?content/{re.escape(FIXTURE)}:{BODY_LINE}: reading-grade-high: the body reads at grade "
                    r"\d+\.\d \(Flesch-Kincaid\), above READING_GRADE_MAX 8\.0; .+; .+", line), line
    grade = float(re.search(r"grade (\d+\.\d)", line).group(1))
    assert grade > 8.0
    # the three hardest sentences, hardest first, each with its source line
    hardest = re.findall(r"line (\d+) \(grade (\d+\.\d)\) '([^']+)'", line)
    assert len(hardest) == 3, line
    assert [int(h[0]) for h in hardest[:2]] == [BODY_LINE, BODY_LINE]
    assert hardest[0][2].startswith("The multidimensional") and hardest[1][2].startswith("Such multidimensional")
    assert float(hardest[0][1]) >= float(hardest[1][1]) >= float(hardest[2][1])
    assert "Traceback" not in result.stderr and not result.output.exists()


def test_the_grade_is_the_setting(fixture_site):
    """The same hard article passes when READING_GRADE_MAX allows it: the limit is the setting, not a constant."""
    result = fixture_site({FIXTURE: _with_body(HARD)}, TODAY, "READING_GRADE_MAX=40.0")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("where", ["notes", "code", "faq-question", "heading"])
def test_text_readers_do_not_read_as_prose_is_not_measured(fixture_site, where):
    """Sources, code, FAQ questions and headings are not the body prose: hard words there do not count."""
    body = {
        "notes": f"Easy words here.[^hard]\n\n[^hard]: {HARD} <https://doi.org/10.1000/x>",
        "code": f"Easy words here.\n\n    {HARD}",
        "faq-question": f"## Questions {{: .faq }}\n\n### {HARD}?\n\nYes. It can help.\n\n## More\n\nShort words help.",
        "heading": f"## {HARD}\n\nShort words help.",
    }[where]
    result = fixture_site({FIXTURE: _with_body(body)}, TODAY)
    assert result.returncode == 0, result.stderr


def test_glossary_terms_count_as_one_short_word(fixture_site):
    """A sentence above the grade only because of medical words passes once the glossary explains them."""
    words = "Allodynia and hyperalgesia, signs of central sensitization, can follow neuropathic pain."
    body = " ".join([words] * 3)
    glossary = textwrap.dedent("""\
        - term: allodynia
          definition: Pain from a light touch.
        - term: hyperalgesia
          definition: More pain than expected.
        - term: central sensitization
          definition: Nerves that carry pain become easier to set off.
        - term: neuropathic pain
          definition: Pain from damaged nerves.
        """)
    without = fixture_site({FIXTURE: _with_body(body), "glossary.yml": "[]\n"}, TODAY, "READING_GRADE_MAX=6.0")
    assert without.returncode == 1 and _lines(without, "reading-grade-high"), without.stderr
    with_terms = fixture_site({FIXTURE: _with_body(body), "glossary.yml": glossary}, TODAY, "READING_GRADE_MAX=6.0")
    assert with_terms.returncode == 0, with_terms.stderr


# --- key-points-missing ----------------------------------------------------------------------------

@pytest.mark.parametrize("points", [(), ("Only one point.",), ("One.", "Two."),
                                    ("1.", "2.", "3.", "4.", "5.", "6.")], ids=["none", "one", "two", "six"])
def test_key_points_outside_three_to_five_are_refused_naming_the_field(fixture_site, points):
    text = _with_key_points(*points)
    result = fixture_site({FIXTURE: text}, TODAY)
    assert result.returncode == 1, result.stderr
    # the field's own line; with no field, the line after the header, where it belongs
    line = KEY_POINTS_LINE
    expected = re.compile(rf"^(.*/)?content/{re.escape(FIXTURE)}:{line}: key-points-missing: the article "
                          rf"(has {len(points)} key points?|has no 'Key_points:' field); it needs 3 to 5; .+")
    assert [l for l in _lines(result, "key-points-missing") if expected.match(l)], result.stderr


@pytest.mark.parametrize("count", [3, 5])
def test_three_to_five_key_points_pass_and_open_the_article_after_the_notices(fixture_site, count):
    points = [f"Plain point number {n}." for n in range(1, count + 1)]
    result = fixture_site({FIXTURE: _with_key_points(*points)}, TODAY)
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup((result.output / "articles/fixture-article/index.html").read_text(), "html.parser")
    section = page.select_one("section.key-points")
    assert [li.get_text(strip=True) for li in section.select("li")] == points
    assert section.find("h2").get_text(strip=True) == "Key points"
    order = [el for el in page.select("main *") if el is section or "notice" in (el.get("class") or [])
             or "article-body" in (el.get("class") or [])]
    assert order.index(section) == len(order) - 2, "key points come after every notice, before the body"
    feed = (result.output / "feeds/all.atom.xml").read_text()
    entry = BeautifulSoup(BeautifulSoup(feed, "xml").find("entry").find("content").get_text(), "html.parser")
    assert [li.get_text(strip=True) for li in entry.select(".key-points li")] == points
    assert entry.find("p", class_="disclaimer") is not None


# --- abbreviation-unexplained ----------------------------------------------------------------------

@pytest.mark.parametrize("sentence", ["Ask about QST at your visit.", "Some clinics offer QSTs now.",
                                      "The ZYX-2 scale is used.", "An xQRS test may follow."])
def test_an_unexplained_abbreviation_is_refused_by_line(fixture_site, sentence):
    letters = re.search(r"\b[a-z]?[A-Z]{2,}[A-Z0-9]*", sentence).group(0).rstrip("s")
    result = fixture_site({FIXTURE: _with_body(sentence)}, TODAY)
    assert result.returncode == 1, result.stderr
    expected = re.compile(rf"^(.*/)?content/{re.escape(FIXTURE)}:{BODY_LINE}: abbreviation-unexplained: "
                          rf"'{re.escape(letters)}' is an abbreviation with no expansion in the text or the glossary; .+")
    assert [l for l in _lines(result, "abbreviation-unexplained") if expected.match(l)], result.stderr


@pytest.mark.parametrize("sentence", [
    "Quantitative sensory testing (QST) measures touch. Later, QST may be repeated.",
    "QST (quantitative sensory testing) measures touch.",
    "Ask about QST at your visit.",  # with the glossary below
])
def test_an_abbreviation_expanded_in_the_text_or_the_glossary_passes(fixture_site, sentence):
    files = {FIXTURE: _with_body(sentence)}
    if "(" not in sentence:
        files["glossary.yml"] = ("- term: QST\n  expansion: quantitative sensory testing\n"
                                 "  definition: Tests of how you feel touch, heat and cold.\n")
    result = fixture_site(files, TODAY, "READING_GRADE_MAX=30.0")  # only the abbreviation is tested here
    assert result.returncode == 0, result.stderr


def test_an_abbreviation_only_explained_later_is_refused(fixture_site):
    result = fixture_site({FIXTURE: _with_body("Ask about QST. Quantitative sensory testing (QST) measures touch.")},
                          TODAY)
    assert result.returncode == 1 and _lines(result, "abbreviation-unexplained"), result.stderr


# --- the glossary ------------------------------------------------------------------------------------

GLOSSARY = textwrap.dedent("""\
    - term: NSAID
      expansion: nonsteroidal anti-inflammatory drug
      definition: A common pain medicine such as ibuprofen.
      aliases: [NSAIDs]
    - term: allodynia
      definition: Pain from a light touch.
    """)


def test_first_use_links_to_the_glossary_entry_with_the_expansion(fixture_site):
    body = "Allodynia is common. NSAIDs help some people, and allodynia can fade.\n\n## About NSAIDs\n\nAn NSAID is a pill."
    result = fixture_site({FIXTURE: _with_body(body), "glossary.yml": GLOSSARY}, TODAY)
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup((result.output / "articles/fixture-article/index.html").read_text(), "html.parser")
    links = page.select(".article-body a.glossary-term")
    assert [a["href"] for a in links] == ["/glossary/#allodynia", "/glossary/#nsaid"], "first use only, once each"
    abbr = links[1].find("abbr")
    assert abbr.get_text() == "NSAIDs" and abbr["title"] == "nonsteroidal anti-inflammatory drug"
    assert links[1].get_text(strip=True) == "NSAIDs", "the word as written, nothing added to the sentence"
    assert links[1]["aria-label"] == "NSAIDs, nonsteroidal anti-inflammatory drug, in the glossary"
    assert links[0]["aria-label"] == "Allodynia, in the glossary"
    assert not page.select("h2 a.glossary-term"), "headings are never marked"
    glossary = BeautifulSoup((result.output / "glossary/index.html").read_text(), "html.parser")
    entry = glossary.find(id="nsaid")
    assert entry is not None and "nonsteroidal anti-inflammatory drug" in entry.get_text()
    assert glossary.find(id="allodynia").find("dd").get_text(strip=True) == "Pain from a light touch."
    assert "/glossary/" in (result.output / "sitemap.xml").read_text()


@pytest.mark.parametrize("text, fragment", [
    ("- term: allodynia\n", "has no definition"),
    ("- term: allodynia\n  definition: Pain.\n- term: Allodynia\n  definition: Again.\n", "already a form"),
    ("- term: NSAID\n  definition: A pill.\n  colour: red\n", "unknown field"),
    ("- term: off-label\n  definition: Not approved.\n- term: off label\n  definition: Again.\n", "same link anchor"),
    ("- term: NSAID\n  definition: A pill.\n  aliases: NSAIDs\n", "not a list"),
    ("term: NSAID\n", "not a list of entries"),
    ("- term: [unclosed\n", "not valid YAML"),
])
def test_a_malformed_glossary_is_refused_by_line(fixture_site, text, fragment):
    result = fixture_site({FIXTURE: GOOD_ARTICLE, "glossary.yml": text}, TODAY)
    assert result.returncode == 1, result.stderr
    found = [l for l in _lines(result, "glossary-malformed") if re.match(r"^(.*/)?content/glossary\.yml:\d+: ", l)]
    assert found and fragment in found[0], result.stderr


# --- the measure itself --------------------------------------------------------------------------------

def test_the_measure_works_offline_and_the_command_prints_the_grade(tmp_path):
    """textstat would download NLTK's CMU dictionary for "en"; the measure must never touch the network."""
    guard = tmp_path / "sitecustomize.py"
    guard.write_text("import socket\n"
                     "def _refuse(*a, **k):\n    raise OSError('network closed by the test')\n"
                     "socket.socket.connect = _refuse\nsocket.create_connection = _refuse\n")
    article = CONTENT / "articles" / "oral-ketamine.md"
    env = {"PYTHONPATH": f"{tmp_path}:{ROOT / 'plugins'}", "NLTK_DATA": str(tmp_path / "no-nltk-data"),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "clinic.rules.readability", str(article), "--hardest", "2"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    first = done.stdout.splitlines()[0]
    assert re.match(rf"^{re.escape(str(article))}: grade \d+\.\d \((within|above) the limit 8\.0; \d+\.\d counting "
                    r"glossary terms in full\); \d+ words, "
                    r"\d+ sentences, \d+\.\d words per sentence$", first), done.stdout
    assert len([l for l in done.stdout.splitlines() if l.startswith("  grade ")]) == 2
    assert not (tmp_path / "no-nltk-data").exists()


# --- the real content ----------------------------------------------------------------------------------

def test_the_real_articles_meet_the_reading_grade(settings):
    done = subprocess.run([sys.executable, "-m", "clinic.rules.readability", *map(str, article_sources()), "--hardest", "0",
                           "--settings", str(ROOT / "publishconf.py")],
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=300)
    grades = [float(g) for g in re.findall(r": grade (\d+\.\d) ", done.stdout)]
    assert len(grades) == len(article_sources()) >= 7, done.stdout + done.stderr
    limit = settings["READING_GRADE_MAX"]
    assert max(grades) <= limit, done.stdout


def test_the_real_site_has_its_glossary_marks_and_no_unexplained_abbreviation(site):
    pages = sorted((site / "articles").glob("*/index.html"))
    marked = 0
    for page in pages:
        soup = BeautifulSoup(page.read_text(), "html.parser")
        hrefs = [a["href"] for a in soup.select(".article-body a.glossary-term")]
        assert len(hrefs) == len(set(hrefs)), f"{page}: a term is marked more than once"
        marked += len(hrefs)
    assert marked >= 20
    glossary = BeautifulSoup((site / "glossary/index.html").read_text(), "html.parser")
    anchors = {div["id"] for div in glossary.select(".glossary-entry")}
    for page in pages:
        for a in BeautifulSoup(page.read_text(), "html.parser").select("a.glossary-term"):
            assert a["href"].split("#")[1] in anchors


def test_the_real_articles_have_three_to_five_key_points(settings):
    from clinic.source import preflight

    low, high = settings["KEY_POINTS_MIN"], settings["KEY_POINTS_MAX"]
    for path in article_sources():
        points = preflight.continued(path.read_text(encoding="utf-8")).get("key_points", [])
        assert low <= len([p for _, p in points if p]) <= high, f"{path.name}: {len(points)} key points"


def test_invoke_report_lists_each_articles_grade_and_hardest_sentences():
    done = subprocess.run([str(Path(sys.executable).with_name("invoke")), "report"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    reading = done.stdout.split("Reading level", 1)[1]
    for path in article_sources():
        line = next(l for l in reading.splitlines() if l.startswith(f"content/articles/{path.name}: grade "))
        assert re.search(r"grade \d+\.\d .*\d+\.\d words per sentence$", line), line
    assert len(re.findall(r"^  grade +\d+\.\d: \S", reading, flags=re.M)) == 3 * len(article_sources())
