"""Build the real site once per test session, and small fixture sites on demand.

Like the pelican-plugins sitemap tests: run Pelican on content into a temporary directory and assert on
what it wrote, never on the Markdown.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from clinic.build import load_settings
from clinic.newpost import header_of

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


def run_build(settings_file, output: Path, *sets: str, cwd=ROOT) -> BuildResult:
    """Build through the same command the tasks use, in a child process, as a writer would."""
    command = [sys.executable, "-m", "clinic.build", str(settings_file), str(output)]
    for pair in sets:
        command += ["--set", pair]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    return BuildResult(done.returncode, done.stdout, done.stderr, output)


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
    "Sleep and pain are measured in different ways, so clinicians ask about each of them separately. A pain "
    "diary can record when pain is worse, what the person was doing and how the night before went. A sleep "
    "diary records the time of going to bed, the time of falling asleep, the number of times the person woke "
    "and the time of getting up. Kept side by side for two weeks, the two diaries often show patterns that "
    "are hard to see from memory alone. Some people find that a poor night makes the next day's pain feel "
    "sharper, and that a painful day makes it harder to settle at night. Others notice little link between "
    "the two, and that is useful to know as well. The diaries are not a test that can be passed or failed; "
    "they are a way of giving the clinician a clearer picture. At an appointment, the clinician may ask how "
    "long the person has had trouble sleeping, whether it started before or after the pain, and what has "
    "already been tried. They may ask about snoring, pauses in breathing during sleep, restless legs, low "
    "mood, worry and the use of alcohol, caffeine or nicotine. Each of these can affect sleep on its own, and "
    "some can be treated directly. They will also ask about medicines, because several medicines used for "
    "pain can change sleep, and some sleep medicines can interact with pain medicines. It helps to bring a "
    "list of everything taken, including medicines bought without a prescription and any supplements. Common "
    "advice about sleep is simple to describe and harder to follow. Going to bed and getting up at about the "
    "same time each day gives the body a steady rhythm. Keeping the bedroom dark, quiet and cool suits most "
    "people. Screens and bright light late in the evening can delay sleep, and a short wind-down routine can "
    "help the mind settle. Daytime naps are best kept short and early in the afternoon, so that they do not "
    "take away from the night. Regular gentle activity during the day, planned with a clinician or "
    "physiotherapist, can help both sleep and pain for some people, although it may take several weeks to "
    "notice a change. Talking therapies designed for insomnia are another option. They teach ways of changing "
    "the habits and thoughts that keep poor sleep going, and they are usually delivered over several "
    "sessions, in person or online. People living with long-lasting pain can take part in them, and the "
    "therapist can adapt the advice to the pain. Medicines for sleep are sometimes considered, usually for a "
    "short time and with care, because their benefits and risks depend on the person and on the other "
    "medicines they take. Any change to a medicine should be discussed with the clinician who prescribes it, "
    "and no medicine should be stopped suddenly without advice. Pain that wakes a person at night, new pain, "
    "or pain with fever, weight loss, weakness or numbness should be reported promptly, because it may need a "
    "different assessment. The same applies to sleep problems that come with loud snoring and choking or "
    "gasping at night, or with sleepiness that makes driving unsafe. Family members and carers can help by "
    "noticing changes, by supporting a steady routine and by coming to appointments when the person wishes. "
    "Progress is often gradual. A small improvement in sleep, such as falling asleep a little sooner or "
    "waking a little less, can make the day easier to manage, even when the pain itself changes slowly. The "
    "clinician and the person can review the diaries together after a few weeks, decide what has helped and "
    "what has not, and adjust the plan. Written information, like this page, is meant to prepare for that "
    "conversation, not to replace it. If anything here does not fit your situation, ask your own clinician, "
    "who knows your history and can advise you directly. Questions are welcome at every stage, and it is "
    "reasonable to ask how each part of a plan is expected to help, how long it should take, and what to do "
    "if it does not. Some people prefer to change one thing at a time, so that they can tell what made a "
    "difference; others prefer to try several changes together. Both approaches are reasonable, and the "
    "choice can be made together with the clinician. Writing down the questions before an appointment, and "
    "the answers during it, makes it easier to remember what was agreed. A follow-up appointment is a chance "
    "to say honestly what was difficult to keep up, so that the plan can be made more practical. Over months "
    "rather than days, many people find a routine that suits them, and they learn which changes are worth "
    "keeping. Sleep problems and pain can both come and go, so it is worth keeping the diaries for a while "
    "longer after things improve, and returning to them when a difficult period starts again."
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
