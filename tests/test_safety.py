"""Nothing broken reaches readers: atomic builds and deploys, a production guard, reproducible output,
escaped metadata, bad input refused one line at a time, security headers, and audited dependencies."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from clinic.release import deploy, guard
from clinic import headers
from clinic.audit.checks import normalise
from clinic.release.serve import make_server
from conftest import GOOD_ARTICLE, PROD_SETTINGS, ROOT, build_site_from, make_content, run_build

BAD_INPUT = Path(__file__).parent / "bad_input"
ATOM = "{http://www.w3.org/2005/Atom}"

# Settings a clinic would publish with: nothing in them matches EXAMPLE_MARKERS.
REAL_CLINIC = {"name": "Riverside Pain Medicine", "phone": "+1 617 432 1000", "phone_display": "(617) 432-1000",
               "email": "desk@riverside-pain.org", "street": "12 Harbor Road", "city": "Boston", "region": "MA",
               "postal_code": "02114", "country": "US", "hours": "Monday to Friday, 8 am to 5 pm",
               "booking_url": "https://riverside-pain.org/book"}
REAL_PEOPLE = {
    "dana-reyes": {"role": "writer", "name": "Dana Reyes", "credentials": "Medical writer",
                   "bio": "Writes the clinic's articles."},
    "sam-okafor": {"role": "clinician", "name": "Sam Okafor", "credentials": "MD, pain medicine",
                   "bio": "Reviews every article."},
}
REAL_SITE = {"SITENAME": "Riverside Pain Medicine", "SITE_PUBLIC_URL": "https://riverside-pain.org",
             "SITEURL": "https://riverside-pain.org", "AFFILIATE_TAG": "riversidepain-20"}
REAL_ARTICLE = GOOD_ARTICLE.replace("example-writer", "dana-reyes").replace("example-physician", "sam-okafor")


def tree_hash(root: Path) -> dict[str, str]:
    """Every file under `root` (and every symlink's target) by relative path, with its SHA-256."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if ".building-" in p.name or ".old-" in p.name
                  or ".partial" in p.name or p.name.startswith(".current-"))


# --- Atomic output --------------------------------------------------------------------------------

def _break_with_a_rule(theme):
    return {"articles/claims.md": GOOD_ARTICLE.replace("Slug: fixture-article", "Slug: claims")
            .replace("Poor sleep", "This miracle cure ends poor sleep")}, theme


def _break_the_audit(theme):
    (theme / "templates" / "partials" / "disclaimer.html").write_text("", encoding="utf-8")
    return {}, theme


def _break_pelican(theme):
    (theme / "templates" / "article.html").write_text("{% if %}", encoding="utf-8")
    return {}, theme


@pytest.mark.parametrize("breakage", [_break_with_a_rule, _break_the_audit, _break_pelican],
                         ids=["rule-failure", "audit-failure", "pelican-error"])
def test_a_failed_build_leaves_the_previous_output_byte_for_byte(fixture_site, theme_copy, breakage):
    first = fixture_site({"articles/fixture.md": GOOD_ARTICLE}, theme=theme_copy)
    assert first.returncode == 0, first.stderr
    before = tree_hash(first.output)
    assert "articles/fixture-article/index.html" in before

    files, theme = breakage(theme_copy)
    failed = fixture_site(files, theme=theme)

    assert failed.returncode == 1, failed.stderr
    assert "Traceback" not in failed.stderr
    assert failed.lines and all(re.match(r"^[^:]+:\d+: [\w-]+: ", line) or line.endswith("nothing was published.")
                                for line in failed.lines), failed.stderr
    assert tree_hash(first.output) == before, "a failed build changed the previous output"
    assert leftovers(first.output.parent) == [], "a failed build left a half-written directory beside the output"


def test_a_successful_build_replaces_the_output_and_leaves_nothing_beside_it(fixture_site):
    first = fixture_site({"articles/fixture.md": GOOD_ARTICLE})
    second = fixture_site({"articles/fixture.md": GOOD_ARTICLE.replace("travel together", "go together")})
    assert first.returncode == second.returncode == 0, second.stderr
    assert "go together" in (second.output / "articles/fixture-article/index.html").read_text(encoding="utf-8")
    assert leftovers(second.output.parent) == []


# --- Deploy: a new release directory, then one atomic switch of `current` --------------------------

def _site(directory: Path, text: str) -> Path:
    (directory / "articles").mkdir(parents=True)
    (directory / "index.html").write_text(f"<p>{text}</p>", encoding="utf-8")
    for n in range(5):
        (directory / "articles" / f"a{n}.html").write_text(f"{text} {n}", encoding="utf-8")
    return directory


def test_a_local_deploy_switches_current_to_the_new_release_and_keeps_the_previous(tmp_path):
    target = tmp_path / "live"
    old = _site(tmp_path / "v1", "old")
    new = _site(tmp_path / "v2", "new")
    assert deploy.deploy(old, str(target)) == 0
    first = (target / "current").resolve()
    assert deploy.deploy(new, str(target)) == 0

    assert (target / "current").is_symlink()
    assert tree_hash(target / "current") == tree_hash(new)
    assert first.is_dir() and tree_hash(first) == tree_hash(old), "the previous release must stay, whole"
    assert leftovers(target) == [] and leftovers(target / "releases") == []


def test_a_deploy_that_fails_midway_leaves_current_on_the_old_release_whole(tmp_path, monkeypatch):
    target = tmp_path / "live"
    old = _site(tmp_path / "v1", "old")
    assert deploy.deploy(old, str(target)) == 0
    live = os.readlink(target / "current")

    copied = []

    def copy_then_fail(source, destination):
        if len(copied) == 3:
            raise OSError("disk full (simulated)")
        copied.append(source)
        return shutil.copy2(source, destination)

    monkeypatch.setattr(deploy.shutil, "which", lambda name: None)  # the copy path, whatever is installed
    monkeypatch.setattr(deploy, "copy_file", copy_then_fail)
    assert deploy.deploy(_site(tmp_path / "v2", "new"), str(target)) == 1

    assert len(copied) == 3, "the simulated failure did not happen midway"
    assert os.readlink(target / "current") == live
    assert tree_hash(target / "current") == tree_hash(old)
    assert leftovers(target) == [] and leftovers(target / "releases") == []


def test_a_remote_deploy_switches_current_only_after_rsync_copied_the_whole_release(tmp_path):
    output = _site(tmp_path / "out", "new")
    ran = []

    def run(command, fail_on="rsync"):
        ran.append(command)
        return subprocess.CompletedProcess(command, 23 if command[0] == fail_on else 0)

    with pytest.raises(deploy.DeployError):
        deploy.deploy_remote(output, "deploy@host", "/srv/clinic", run=run)
    assert [c[0] for c in ran] == ["ssh", "rsync"], "nothing may run after a failed rsync"

    ran.clear()
    name = deploy.deploy_remote(output, "deploy@host", "/srv/clinic", run=lambda c: run(c, fail_on=None))
    rsync, switch = ran[1], ran[2]
    assert rsync[-1] == f"deploy@host:/srv/clinic/releases/{name}/"
    assert "ln -sfn" in switch[-1] and "mv -T" in switch[-1] and switch[-1].endswith("/srv/clinic/current")


# --- Production guard ----------------------------------------------------------------------------

def publish(output: Path, target: Path, *sets: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "clinic.release.deploy", str(PROD_SETTINGS), str(output), "--target", str(target)]
    for pair in sets:
        command += ["--set", pair]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_publish_refuses_the_example_clinic_and_people_naming_each_setting(tmp_path):
    done = publish(tmp_path / "output", tmp_path / "live")
    lines = [line for line in done.stderr.splitlines() if ": example-settings: " in line]
    named = [re.search(r": example-settings: (\w+) still holds example values", line)[1] for line in lines]
    assert done.returncode == 1
    assert all(line.startswith("pelicanconf.py:") for line in lines), done.stderr
    assert "CLINIC" in named and "PEOPLE" in named, done.stderr
    assert len(named) == len(set(named)), "one line per setting"
    assert not (tmp_path / "output").exists() and not (tmp_path / "live").exists(), "nothing may be built or deployed"


def test_the_guard_names_only_the_setting_that_still_holds_examples(settings):
    only_people = guard.example_values({**settings, **REAL_SITE, "CLINIC": REAL_CLINIC})
    assert [p.rule for p in only_people] == ["example-settings"] and "PEOPLE" in only_people[0].message
    assert "'example-writer'" in only_people[0].message
    assert guard.example_values({**settings, **REAL_SITE, "CLINIC": REAL_CLINIC, "PEOPLE": REAL_PEOPLE}) == []


def _publish_fixture(tmp_path, theme=None):
    content = make_content(tmp_path, {"articles/fixture.md": REAL_ARTICLE})
    sets = [f"PATH={content}", f"CACHE_PATH={tmp_path / 'cache'}", "CLINIC=" + json.dumps(REAL_CLINIC),
            "PEOPLE=" + json.dumps(REAL_PEOPLE)] + [f"{k}={json.dumps(v)}" for k, v in REAL_SITE.items()]
    sets += [f"THEME={theme}"] if theme else []
    return publish(tmp_path / "output", tmp_path / "live", *sets)


def test_publish_deploys_only_a_checked_output(tmp_path, theme_copy):
    (theme_copy / "templates" / "partials" / "disclaimer.html").write_text("", encoding="utf-8")
    refused = _publish_fixture(tmp_path, theme=theme_copy)
    assert refused.returncode == 1 and ": disclaimer-missing: " in refused.stderr, refused.stderr
    assert not (tmp_path / "live" / "current").exists(), "an output that failed its audit was deployed"

    published = _publish_fixture(tmp_path)
    assert published.returncode == 0, published.stderr
    assert (tmp_path / "live" / "current" / "articles" / "fixture-article" / "index.html").is_file()


# --- Reproducible --------------------------------------------------------------------------------

def test_two_production_builds_of_the_same_commit_are_byte_identical(tmp_path, monkeypatch):
    # Both builds read one snapshot of content/ and theme/, so a writer saving a file meanwhile is not
    # mistaken for a difference; each runs at its own moment with its own hash seed, so a build timestamp
    # or set ordering would be.
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    trees = []
    for seed in ("1", "2"):
        monkeypatch.setenv("PYTHONHASHSEED", seed)
        built = run_build(PROD_SETTINGS, tmp_path / f"output-{seed}", f"PATH={tmp_path / 'content'}",
                          f"THEME={tmp_path / 'theme'}", f"CACHE_PATH={tmp_path / ('cache-' + seed)}")
        assert built.returncode == 0, built.stderr
        trees.append(tree_hash(built.output))
    first, second = trees
    differing = sorted(p for p in first.keys() | second.keys() if first.get(p) != second.get(p))
    assert differing == [], f"files that differ between two builds: {differing}"
    assert any(p.startswith("feeds/") for p in first) and "sitemap.xml" in first
    assert any(p.startswith("pagefind/") for p in first) and any(p.endswith(".gz") for p in first)


# --- Escaping ------------------------------------------------------------------------------------

TITLE = "Pain < sleep & \"rest\" 'naps' </script><b>bold</b>"
SUMMARY = "Summary < three & \"quoted\" 'single' </script> here."
TAG = "a<b & \"c\" </script>"


def escaping_article() -> str:
    text = GOOD_ARTICLE.replace("Title: A fixture article about sleep and pain", f"Title: {TITLE}")
    text = text.replace("Summary: A short fixture article used by the tests.", f"Summary: {SUMMARY}")
    return text.replace("Tags: sleep, evidence", f"Tags: sleep, {TAG}")


@pytest.fixture(scope="module")
def escaped_site(tmp_path_factory):
    result = build_site_from(tmp_path_factory.mktemp("escaping"), {"articles/fixture.md": escaping_article()})
    assert result.returncode == 0, result.stderr
    return result.output


def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")  # parsed as a browser parses it


def test_jinja_autoescape_is_on(settings):
    assert settings["JINJA_ENVIRONMENT"].get("autoescape") is True


def test_metadata_with_markup_characters_renders_as_text_in_the_page(escaped_site):
    page = parse(escaped_site / "articles/fixture-article/index.html")
    title, summary = normalise(TITLE), normalise(SUMMARY)
    assert title in normalise(page.title.get_text())
    h1 = page.find("h1")
    assert normalise(h1.get_text()) == title and h1.find("b") is None
    assert summary in normalise(page.find(class_="summary").get_text())
    tag_links = [normalise(a.get_text()) for a in page.find_all("a", href=re.compile(r"/tag/"))]
    assert normalise(TAG) in tag_links


def test_metadata_with_markup_characters_stays_inside_its_attribute(escaped_site):
    page = parse(escaped_site / "articles/fixture-article/index.html")
    for selector, expected in (({"name": "description"}, SUMMARY), ({"property": "og:title"}, TITLE),
                               ({"property": "og:description"}, SUMMARY), ({"name": "twitter:title"}, TITLE)):
        meta = page.find("meta", attrs=selector)
        assert meta is not None, selector
        assert normalise(meta["content"]) == normalise(expected)
        assert set(meta.attrs) == {"content", *selector}, f"the value broke out of its attribute: {meta.attrs}"


def test_metadata_with_markup_characters_stays_a_string_in_json_ld(escaped_site):
    page = parse(escaped_site / "articles/fixture-article/index.html")
    blocks = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
    assert blocks, "the article has no JSON-LD"
    article = next(b for b in blocks if "headline" in b)
    assert normalise(article["headline"]) == normalise(TITLE)
    assert normalise(article["description"]) == normalise(SUMMARY)
    raw = (escaped_site / "articles/fixture-article/index.html").read_text(encoding="utf-8")
    for block in re.findall(r"<script[^>]*application/ld\+json[^>]*>(.*?)</script>", raw, re.S):
        assert "<" not in block, "a '<' inside JSON-LD could end the script element"


def test_metadata_with_markup_characters_renders_as_text_in_the_feeds(escaped_site):
    atom = ET.parse(escaped_site / "feeds/all.atom.xml").getroot()  # well-formed, or this raises
    entry = atom.find(f"{ATOM}entry")
    assert normalise(entry.find(f"{ATOM}title").text) == normalise(TITLE)
    rss = ET.parse(escaped_site / "feeds/all.rss.xml").getroot()
    assert normalise(rss.find("channel/item/title").text) == normalise(TITLE)
    for html in [e.text or "" for e in atom.iter() if e.get("type") == "html"]:
        assert BeautifulSoup(html, "html5lib").find("b") is None


def test_no_page_runs_a_script_that_metadata_smuggled_in(escaped_site):
    pages = sorted(escaped_site.rglob("*.html"))
    assert len(pages) > 5
    for path in pages:
        page = parse(path)
        assert page.find("b", string="bold") is None, f"{path.relative_to(escaped_site)} made the title's <b> markup"
        for script in page.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", (
                f"{path.relative_to(escaped_site)} has an inline script: {str(script)[:80]}")


# --- Bad input: each broken file fails the build with its one line ----------------------------------

BAD_CASES = {
    # case directory: (file the line must name, line, rule id)
    "metadata-malformed": ("articles/malformed.md", 4, "metadata-malformed"),
    "date-unparseable": ("articles/bad-date.md", 2, "date-unparseable"),
    "file-encoding": ("articles/latin1.md", 12, "file-encoding"),
    "file-empty": ("articles/empty.md", 1, "file-empty"),
    "slug-duplicate": ("articles/second.md", 6, "slug-duplicate"),
    "link-missing": ("articles/link.md", 14, "link-missing"),
    "image-missing": ("articles/image.md", 14, "image-missing"),
    "image-alt-missing": ("articles/noalt.md", 14, "image-alt-missing"),
    "raw-html-element": ("articles/script.md", 14, "raw-html-element"),
    "raw-html-url": ("articles/link.md", 14, "raw-html-url"),
}


def test_every_bad_input_case_has_an_expectation():
    assert sorted(p.name for p in BAD_INPUT.iterdir() if p.is_dir()) == sorted(BAD_CASES)


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_fails_the_build_with_its_one_line_message(fixture_site, case):
    files = {p.relative_to(BAD_INPUT / case).as_posix(): p.read_bytes()
             for p in sorted((BAD_INPUT / case).rglob("*")) if p.is_file()}
    result = fixture_site(files)
    path, line, rule = BAD_CASES[case]

    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    problems = [entry for entry in result.lines if not entry.endswith("nothing was published.")]
    matching = [entry for entry in problems if re.search(rf"{re.escape(path)}:{line}: {rule}: \S", entry)]
    assert len(matching) == 1, result.stderr
    assert all(re.match(r"^\S.*:\d+: [\w-]+: .+; .+", entry) for entry in problems), result.stderr
    assert not result.output.exists()


def test_a_missing_link_with_spaces_and_accents_is_named_as_written_on_its_line(fixture_site):
    # The rewrite percent-encodes link targets ("no such" becomes "no%20such"); the writer sees what they wrote.
    source = (BAD_INPUT / "link-missing" / "articles" / "link.md").read_text(encoding="utf-8")
    source = source.replace("{filename}no-such-article.md", "{filename}no such révision.md")
    result = fixture_site({"articles/link.md": source})
    assert result.returncode == 1
    assert any(re.match(r"^\S*articles/link\.md:14: link-missing: links to \{filename\}no such révision\.md, ",
                        line) for line in result.lines), result.stderr


def test_a_raw_script_in_a_page_fails_the_build_too(fixture_site):
    page = "Title: About the fixture\nModified: 2026-11-01\n\nHello.\n\n<script>alert(1)</script>\n"
    result = fixture_site({"articles/fixture.md": GOOD_ARTICLE, "pages/about.md": page})
    assert result.returncode == 1
    assert any(re.match(r"^\S*pages/about\.md:6: raw-html-element: ", line) for line in result.lines), result.stderr


def test_no_built_page_has_inline_script_or_style_that_the_csp_would_block(site):
    pages = sorted(site.rglob("*.html"))
    assert pages
    for path in pages:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        rel = path.relative_to(site).as_posix()
        for script in page.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", f"{rel}: inline script"
        assert page.find("style") is None and page.find(style=True) is None, f"{rel}: inline style"
        handlers = [a for tag in page.find_all(True) for a in tag.attrs if a.lower().startswith("on")]
        assert handlers == [], f"{rel}: inline event handlers {handlers}"


def test_an_unknown_status_names_the_file_and_line_it_is_on(fixture_site):
    # Pelican's own "Unknown status" error names no line (it was ':0:'); the pre-flight names the line.
    page = "Title: About the fixture\nModified: 2026-11-01\nStatus: publsihed\n\nHello.\n"
    result = fixture_site({"articles/fixture.md": GOOD_ARTICLE, "pages/about.md": page})
    assert result.returncode == 1
    assert any(re.match(r"^\S*pages/about\.md:3: status-unknown: 'Status: publsihed'", line)
               for line in result.lines), result.stderr
    assert "Traceback" not in result.stderr


def test_the_real_content_passes_the_pre_flight_and_the_safety_rules(site, settings):
    from clinic.source.preflight import preflight, sources

    assert sources(settings)["article"], "no articles found to check"
    assert preflight(settings) == []
    assert (site / "index.html").is_file()  # the session build ran every rule, these among them


# --- Security headers ----------------------------------------------------------------------------

REQUIRED_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy",
                    "Strict-Transport-Security")


def headers_file(path: Path) -> dict[str, dict[str, str]]:
    """Netlify `_headers`: a path line, then indented `Name: value` lines."""
    rules, current = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace():
            current = rules.setdefault(line.strip(), {})
        elif line.strip():
            name, _, value = line.strip().partition(":")
            current[name.strip()] = value.strip()
    return rules


def nginx_headers(path: Path) -> dict[str, dict[str, str]]:
    blocks = {}
    for location, body in re.findall(r"^location ([^{]+)\{(.*?)\n\}", path.read_text(encoding="utf-8"), re.S | re.M):
        blocks[location.strip()] = dict(re.findall(r'add_header (\S+) "([^"]*)" always;', body))
    return blocks


def assert_strict(found: dict[str, str], where: str) -> None:
    for name in REQUIRED_HEADERS:
        assert found.get(name), f"{where} lacks {name}"
    csp = found["Content-Security-Policy"]
    directives = dict((d.split(" ", 1) + [""])[:2] for d in (part.strip() for part in csp.split(";")) if d)
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, f"{where}: {csp}"
    assert directives.get("default-src") == "'self'", f"{where}: {csp}"
    sources = " ".join(directives.values()).split()
    allowed = {"'self'", "'none'", "'wasm-unsafe-eval'"}
    assert set(sources) <= allowed, f"{where} allows another origin or scheme: {set(sources) - allowed}"
    assert found["X-Content-Type-Options"] == "nosniff"
    assert found["Referrer-Policy"] == "no-referrer"
    assert int(re.search(r"max-age=(\d+)", found["Strict-Transport-Security"])[1]) >= 31536000


def test_the_headers_file_is_in_the_output_root_with_a_strict_policy(site):
    rules = headers_file(site / "_headers")
    assert_strict(rules["/*"], "_headers /*")


def test_the_nginx_snippet_carries_the_same_strict_headers(settings):
    path = ROOT / "docs" / "hosting" / "nginx.conf"
    assert path.read_text(encoding="utf-8") == headers.render_nginx(settings), (
        "docs/hosting/nginx.conf is out of date: .venv/bin/python -m clinic.headers nginx > docs/hosting/nginx.conf")
    blocks = nginx_headers(path)
    assert "/" in blocks
    for location, found in blocks.items():
        if location == f"^~ /{settings['CMS_ADMIN_PATH']}/":
            continue  # the writers' editor, under its own policy: test_cms.py
        assert_strict(found, f"nginx location {location}")


def test_hashed_assets_get_a_long_cache_lifetime_on_both_hosts(site, settings):
    assert settings["CACHE_HEADERS"], "no long-lived paths declared"
    rules, blocks = headers_file(site / "_headers"), nginx_headers(ROOT / "docs" / "hosting" / "nginx.conf")
    for pattern, value in settings["CACHE_HEADERS"].items():
        assert "immutable" in value and int(re.search(r"max-age=(\d+)", value)[1]) >= 31536000
        assert rules[pattern]["Cache-Control"] == value
        # nginx's spelling of the same paths: a prefix match for 'dir/*', an exact match otherwise.
        location = f"^~ {pattern[:-1]}" if pattern.endswith("/*") else f"= {pattern}"
        assert blocks[location]["Cache-Control"] == value
    assert "Cache-Control" not in rules["/*"], "HTML must revalidate; only hashed paths are cached for long"


def test_the_local_server_can_send_the_security_headers(site, settings):
    import threading

    server = make_server(site, headers=settings["SECURITY_HEADERS"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/") as response:
            sent = dict(response.headers)
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/no-such-page/")
    finally:
        server.shutdown()
        server.server_close()
    assert_strict(sent, "clinic.release.serve")
    assert missing.value.headers["Content-Security-Policy"] == settings["SECURITY_HEADERS"]["Content-Security-Policy"]


# --- Dependencies --------------------------------------------------------------------------------

def _pypi_vulnerabilities(name: str, version: str) -> list[str] | None:
    """PyPI's advisories for `version` when it is the latest release (the only one its package JSON
    covers), else None. Used where pip-audit could not resolve a pin (this machine's PyPI mirror
    serves no per-version JSON)."""
    try:
        with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=30) as response:
            data = json.load(response)
    except OSError:
        return None
    if data["info"]["version"] != version:
        return None
    return [v.get("id", "?") for v in data.get("vulnerabilities") or []]


def test_no_pinned_dependency_has_a_known_vulnerability():
    done = subprocess.run([str(Path(sys.executable).with_name("pip-audit")), "-r", "requirements.txt",
                           "--require-hashes", "--disable-pip", "--format", "json", "--progress-spinner", "off"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.stdout.strip(), f"pip-audit did not run: {done.stderr[-2000:]}"
    report = json.loads(done.stdout)
    vulnerable = [f"{d['name']} {d['version']}: {', '.join(v['id'] for v in d['vulns'])}"
                  for d in report["dependencies"] if d.get("vulns")]
    pins = {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in
            re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "requirements.txt").read_text(encoding="utf-8"), re.M)}
    unaudited = []
    for dependency in (d for d in report["dependencies"] if d.get("skip_reason")):
        name = re.sub(r"[-_.]+", "-", dependency["name"]).lower()
        version = dependency.get("version") or pins.get(name, "")
        found = _pypi_vulnerabilities(name, version) if version else None
        if found is None:
            unaudited.append(f"{name}=={version or '?'}")
        elif found:
            vulnerable.append(f"{name} {version}: {', '.join(found)}")
    assert vulnerable == [], "known vulnerabilities: " + "; ".join(vulnerable)
    audited = len(report["dependencies"]) - len(unaudited)
    assert audited, f"no pin could be audited from here, so nothing is proven: {unaudited}"
    if unaudited:
        warnings.warn(f"could not be audited from here (not the latest release, no per-version data): {unaudited}")
