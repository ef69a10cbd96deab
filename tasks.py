"""The site's whole life, as Invoke tasks. Each task is thin: the logic lives in plugins/clinic/."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

DEV_SETTINGS = ROOT / "pelicanconf.py"
PROD_SETTINGS = ROOT / "publishconf.py"
OUTPUT = ROOT / "output"
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8000"))


def _build(settings, output=OUTPUT, **overrides):
    from clinic.build.runner import build as run_build

    code = run_build(settings, output, overrides=overrides)
    if code:
        raise Exit(code=code)


@task(help={"output": "where to write the site (default: output/)"})
def build(c, output=str(OUTPUT)):
    """Build the site with development settings; fail on any warning or rule."""
    _build(DEV_SETTINGS, Path(output))


@task
def preview(c, output=str(OUTPUT)):
    """Build the site with production settings, as publish would."""
    _build(PROD_SETTINGS, Path(output))


@task(help={"port": "port to listen on", "production": "serve a production build"})
def serve(c, port=PORT, production=False):
    """Build the site, then serve it at a local address with the hosts' security headers (CSP and all)."""
    from clinic.settings import load_settings
    from clinic.headers import by_path
    from clinic.release.serve import serve_forever

    settings_file = PROD_SETTINGS if production else DEV_SETTINGS
    _build(settings_file)
    settings = load_settings(settings_file)
    serve_forever(OUTPUT, HOST, int(port), settings["SECURITY_HEADERS"], by_path(settings))


@task(help={"port": "port to listen on"})
def livereload(c, port=PORT):
    """Rebuild on every save and reload the browser; a save that breaks the build shows its problems on the page."""
    from clinic.writers.preview import serve_live

    watched = [ROOT / path for path in ("content/", "theme/", "plugins/clinic/", "pelicanconf.py")]
    serve_live(DEV_SETTINGS, OUTPUT, HOST, int(port), watched)


@task(help={"output": "the built site to audit", "settings": "settings the site was built with"})
def check(c, output=str(OUTPUT), settings=str(PROD_SETTINGS)):
    """Audit a built output directory (HTML and feeds) for the notices, independently of the build."""
    from clinic.audit.check import main as check_main

    code = check_main([output, "--settings", settings])
    if code:
        raise Exit(code=code)


@task
def test(c):
    """Run the whole test suite (builds, rules, output and browser tests)."""
    sys.path.insert(0, str(ROOT / "tests"))  # the browser tests' helper: finds the Chromium they drive
    from chromium import NoChromium, find_chromium

    try:  # the browser tests are part of the suite: say how to get a browser before anything runs
        find_chromium()
    except NoChromium as missing:
        raise Exit(str(missing), code=1)
    c.run(f"{sys.executable} -m pytest -n auto --dist loadgroup", pty=False)


@task
def lock(c):
    """Regenerate requirements.txt, pinned with hashes, from requirements.in (existing pins are kept)."""
    c.run(f"{sys.executable} -m piptools compile --quiet --allow-unsafe --generate-hashes --strip-extras "
          f"--output-file={ROOT / 'requirements.txt'} {ROOT / 'requirements.in'}", pty=False)


@task
def clean(c):
    """Remove the built output and caches."""
    for path in (OUTPUT, ROOT / "cache", ROOT / "test-artifacts"):
        shutil.rmtree(path, ignore_errors=True)


@task
def publish(c):
    """Refuse example settings, production build, every check, then deploy to DEPLOY_TARGET atomically."""
    from clinic.release.deploy import publish as run_publish

    code = run_publish(PROD_SETTINGS, OUTPUT)
    if code:
        raise Exit(code=code)


# --- Writers' workflow (issue 8): logic in clinic/writers/newpost.py and clinic/writers/report.py ----------------


@task(positional=["title"], help={
    "title": "the article's title, in quotes",
    "category": "one of CATEGORIES in pelicanconf.py",
    "author": "a PEOPLE key (left as TODO when not given)",
    "reviewer": "the PEOPLE key of a clinician who is not the author (left as TODO, listing them, when not given)",
})
def new_post(c, title, category="", author="", reviewer=""):
    """Start a new article as a draft in content/articles/ and print its path."""
    from clinic.settings import load_settings
    from clinic.writers.newpost import NewPostError, create

    settings = load_settings(DEV_SETTINGS)
    try:
        path = create(title, category, settings, Path(settings["PATH"]) / "articles",
                      author=author or None, reviewer=reviewer or None)
    except NewPostError as error:
        print(error, file=sys.stderr)
        raise Exit(code=1)
    print(os.path.relpath(path))


@task(help={"today": "report as of this date, YYYY-MM-DD (default: today)"})
def report(c, today=""):
    """List every article with its reviewer, last review and next review due, oldest first, and the scheduled ones."""
    from clinic.settings import load_settings
    from clinic.writers.report import format_report, read_sources, reading_report, review_rows
    from clinic.source.dates import parse_date, today as clinic_today

    settings = load_settings(DEV_SETTINGS)
    day = parse_date(today) if today else clinic_today(settings)
    if day is None:
        raise Exit(f"--today {today!r} is not a date; write it as YYYY-MM-DD", code=1)
    rows = review_rows(read_sources(Path(settings["PATH"]) / "articles"), settings, day)
    print(format_report(rows, settings, day))
    print()
    print(reading_report(sorted(str(p) for p in (Path(settings["PATH"]) / "articles").glob("*.md")), settings))


@task(help={"articles": "synthetic articles to build (default 1000)", "repeat": "timed runs of each kind (default 3)",
            "scaling": "also compare cost per article at 100 and 3,000 articles"})
def bench(c, articles=1000, repeat=3, scaling=False):
    """Time our build against bare Pelican (and an incremental rebuild), then weigh each page type."""
    command = f"{sys.executable} {ROOT / 'benchmarks' / 'build.py'} --articles {int(articles)} --repeat {int(repeat)}"
    c.run(command + (" --scaling" if scaling else ""), pty=False)
    c.run(f"{sys.executable} {ROOT / 'benchmarks' / 'weight.py'}", pty=False)
