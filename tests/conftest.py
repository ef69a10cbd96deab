"""Build the real site once per test session, and small fixture sites on demand.

Like the pelican-plugins sitemap tests: run Pelican on content into a temporary directory and assert on
what it wrote, never on the Markdown.
"""

from __future__ import annotations

import contextlib
import functools
import io
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from clinic.settings import load_settings
from clinic.writers.newpost import header_of

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PROD_SETTINGS = ROOT / "publishconf.py"


@dataclass
class BuildResult:
    returncode: int
    stdout: str
    stderr: str
    output: Path

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def run_build(settings_file, output: Path, *sets: str) -> BuildResult:
    """Build through the runner's command line (`python -m clinic.build.runner`), as the tasks do, with
    what it prints captured. In this process: a child process would import Pelican, compile the claim
    rules and load textstat again for each of the suite's few hundred builds."""
    from clinic.build import runner

    argv = [str(settings_file), str(output), *(arg for pair in sets for arg in ("--set", pair))]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = runner.main(argv)
    return BuildResult(code, out.getvalue(), err.getvalue(), output)


@pytest.fixture(scope="session")
def settings() -> dict:
    return load_settings(PROD_SETTINGS)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real content, built with production settings, as readers get it."""
    output = tmp_path_factory.mktemp("site") / "output"
    result = run_build(PROD_SETTINGS, output)
    assert result.returncode == 0, f"the real site failed to build:\n{result.stderr}"
    return output


def site_pages(site: Path) -> list[Path]:
    """The HTML pages readers get: every page but the search index's files and the writers' editor at
    /admin/ (no public page: tests/test_cms.py holds it to its own rules)."""
    return sorted(p for p in site.rglob("*.html")
                  if p.relative_to(site).parts[0] not in (load_settings(PROD_SETTINGS)["SEARCH_INDEX_PATH"], load_settings(PROD_SETTINGS)["CMS_ADMIN_PATH"]))


def article_sources() -> list[Path]:
    """The articles readers get: drafts and future-dated posts are left out of production."""
    import datetime

    published = []
    for path in sorted((CONTENT / "articles").glob("*.md")):
        meta = metadata_of(path)
        if meta.get("status", "published") != "published":
            continue
        if meta.get("date", "")[:10] > datetime.date.today().isoformat():
            continue
        published.append(path)
    return published


def metadata_of(path: Path) -> dict:
    return header_of(path.read_text(encoding="utf-8"))


# Fixture sites are judged on a fixed day, so that their fixed review dates never go stale; a test that
# needs the real date passes RULES_TODAY=null.
FIXTURE_TODAY = "2026-11-15"

# Prose that brings the fixture article to an article's length (docs/writing.md: 700 to 1,500 words) on
# the line it extends, so the fixture's line numbers stay as the tests name them.
FILLER = (
    "Sleep and pain are measured in different ways. So clinicians ask about each of them. A pain diary "
    "records when pain is worse. It also records what you were doing and how the night before went. A sleep "
    "diary records when you went to bed and when you fell asleep. It records how often you woke and when you "
    "got up. Keep the two diaries side by side for two weeks. They often show patterns that are hard to see "
    "from memory. Some people find that a poor night makes the next day's pain feel sharper. A painful day "
    "can also make it harder to settle at night. Other people see little link between the two. That is "
    "useful to know as well. The diaries are not a test. You cannot pass or fail them. They give your "
    "clinician a clearer picture. At a visit, your clinician may ask how long you have had trouble sleeping. "
    "They may ask if it started before or after the pain. They may ask what you have already tried. They may "
    "ask about snoring and pauses in breathing during sleep. They may ask about restless legs, low mood and "
    "worry. They may ask how much alcohol, coffee or tobacco you use. Each of these can affect sleep on its "
    "own. Some of them can be treated. Your clinician will also ask about your medicines. Some medicines for "
    "pain can change sleep. Some sleep medicines can mix badly with pain medicines. It helps to bring a list "
    "of everything you take. Include medicines you bought without a prescription. Include any supplements "
    "too. Common advice about sleep is simple to say and harder to follow. Go to bed and get up at about the "
    "same time each day. This gives the body a steady rhythm. A dark, quiet and cool bedroom suits most "
    "people. Screens and bright light late in the evening can delay sleep. A short, calm routine before bed "
    "can help the mind settle. Keep naps short. Take them early in the afternoon. Then they do not take "
    "away from the night. Gentle activity during the day can help both sleep and pain for some people. Plan "
    "it with your clinician or a physical therapist. It may take a few weeks to see a change. Talking "
    "therapy for poor sleep is another option. It teaches ways to change the habits and thoughts that keep "
    "poor sleep going. It usually takes several sessions, in person or online. People who live with "
    "long-lasting pain can take part. The therapist can fit the advice to the pain. Sleep medicines are "
    "sometimes tried. They are usually used for a short time and with care. Their benefits and risks depend "
    "on the person. They also depend on the other medicines the person takes. Talk about any change to a "
    "medicine with the clinician who prescribes it. Do not stop a medicine suddenly without advice. Some "
    "pain should be reported quickly. This includes pain that wakes you at night and new pain. It also "
    "includes pain with fever, weight loss, weakness or numbness. It may need a different check. The same "
    "goes for loud snoring with choking or gasping at night. It also goes for sleepiness that makes driving "
    "unsafe. Family and friends can help. They can spot changes and support a steady routine. They can "
    "come to visits if you wish. Progress is often slow. A small gain in sleep can make the day easier. You "
    "may fall asleep a little sooner or wake a little less. That can help even when the pain itself changes "
    "slowly. You and your clinician can look at the diaries together after a few weeks. You can decide what "
    "has helped and what has not. Then you can change the plan. Written advice like this page is meant to "
    "prepare you for that talk. It does not replace it. If anything here does not fit you, ask your own "
    "clinician. They know your history and can advise you. Questions are welcome at every step. It is fine "
    "to ask how each part of a plan should help. It is fine to ask how long it should take. It is fine to ask "
    "what to do if it does not work. Some people like to change one thing at a time. Then they can tell what "
    "made a difference. Other people like to try a few changes together. Both ways are fine. You can choose "
    "with your clinician. Write down your questions before a visit. Write down the answers during it. Then "
    "it is easier to remember what you agreed. A follow-up visit is a chance to say what was hard to keep "
    "up. Then the plan can be made easier to follow. Over months, many people find a routine that suits "
    "them. They learn which changes are worth keeping. Sleep problems and pain can both come and go. So keep "
    "the diaries for a while after things get better. Go back to them when a hard time starts again. A "
    "diary can be a notebook, a calendar or a note on your phone. Use whatever is easiest for you. Write a "
    "few words each day. Short notes kept every day tell more than long notes kept now and then."
)

GOOD_ARTICLE = textwrap.dedent(
    """\
    Title: A fixture article about sleep and pain
    Date: 2026-10-01
    Modified: 2026-11-01
    Category: Chronic Pain
    Tags: sleep, evidence
    Slug: fixture-article
    Summary: A short fixture article used by the tests.
    Author: example-writer
    Reviewer: example-physician
    Last_reviewed: 2026-11-01
    Key_points: Sleep and pain are linked.
        Tell your clinician how you sleep.
        Good sleep habits may help.

    Poor sleep and long-lasting pain often travel together.[^raja] Clinicians ask about both.[^treede] {FILLER}

    [^raja]: Raja SN, Carr DB, Cohen M, et al. The revised IASP definition of pain. *Pain*. 2020. <https://doi.org/10.1097/j.pain.0000000000001939>
    [^treede]: Treede RD, Rief W, Barke A, et al. Chronic pain as a symptom or a disease. *Pain*. 2019. <https://doi.org/10.1097/j.pain.0000000000001384>
    """
).replace("{FILLER}", FILLER)
# The end of GOOD_ARTICLE's one body paragraph: tests add their own paragraphs after it, from FIRST_NEW_LINE on
# (after a blank line), so the lines their problems name follow the header however long it grows.
BODY_END = f"Clinicians ask about both.[^treede] {FILLER}\n"
FIRST_NEW_LINE = GOOD_ARTICLE[:GOOD_ARTICLE.index(BODY_END) + len(BODY_END)].count("\n") + 2


def make_content(root: Path, files: dict[str, str | bytes]) -> Path:
    """A content folder under `root` holding `files`, plus the robots.txt template every site needs."""
    content = root / "content"
    for rel, text in files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    (content / "extra").mkdir(parents=True, exist_ok=True)
    shutil.copy(CONTENT / "extra" / "robots.txt", content / "extra" / "robots.txt")
    if not (content / "glossary.yml").exists():  # the real glossary, unless the test brings its own
        shutil.copy(CONTENT / "glossary.yml", content / "glossary.yml")
    return content


def build_site_from(root: Path, files: dict[str, str | bytes], *sets: str, theme: Path | None = None,
                    settings_file: Path = PROD_SETTINGS) -> BuildResult:
    """Build a small site made of `files` under `root` with the real theme and settings (or `theme`)."""
    content = make_content(root, files)
    overrides = [f"PATH={content}", f"CACHE_PATH={root / 'cache'}", f'RULES_TODAY="{FIXTURE_TODAY}"']
    if theme is not None:
        overrides.append(f"THEME={theme}")
    return run_build(settings_file, root / "output", *overrides, *sets)


@pytest.fixture
def fixture_site(tmp_path):
    """Make a small site from {relative path: text} and build it with the real theme and settings."""
    return functools.partial(build_site_from, tmp_path)


@pytest.fixture
def theme_copy(tmp_path) -> Path:
    """A copy of the real theme that a test may break."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    return theme
