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


def site_pages(site: Path) -> list[Path]:
    """The HTML pages readers get: every page but the search index's files and the writers' editor at
    /admin/ (no public page: tests/test_cms.py holds it to its own rules)."""
    return sorted(p for p in site.rglob("*.html")
                  if p.relative_to(site).parts[0] not in ("pagefind", load_settings(PROD_SETTINGS)["CMS_ADMIN_PATH"]))


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

    Poor sleep and long-lasting pain often travel together.[^raja] Clinicians ask about both.[^treede]

    [^raja]: Raja SN, Carr DB, Cohen M, et al. The revised IASP definition of pain. *Pain*. 2020. <https://doi.org/10.1097/j.pain.0000000000001939>
    [^treede]: Treede RD, Rief W, Barke A, et al. Chronic pain as a symptom or a disease. *Pain*. 2019. <https://doi.org/10.1097/j.pain.0000000000001384>
    """
)


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
