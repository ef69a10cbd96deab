"""The writers' editor at /admin/, driven in Chromium as a writer would use it.

Two builds of the real content. The production build, served under the hosts' headers, has the editor as
deployed (the GitHub backend): it must load with no console error and no request to another origin before
anyone signs in. The second build's editor uses Sveltia CMS's test backend ("test-repo"), which keeps the
repository in the browser's origin-private file system: the test puts the real articles there, the editor
lists and saves them like files of a checkout, and the test takes the saved file out and builds it with
the real CLI. Its local backend cannot be driven here: "Work with Local Repository" asks for a folder
through the File System Access API's picker, which a headless browser cannot answer.
"""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from clinic.source import front_matter
from clinic.headers import by_path
from conftest import CONTENT, FILLER, FIXTURE_TODAY, PROD_SETTINGS, build_site_from, run_build

from .checks import CSP_LISTENER, block_foreign_requests, is_local
from .conftest import serve_directory

OPFS_ROOT = "sveltia-cms-test"  # the folder the test backend keeps the repository in
# Put {path: text} into the test backend's repository, before the editor reads it.
SEED = """async ([top, files]) => {
  const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(top, {create: true});
  for (const [path, text] of Object.entries(files)) {
    let dir = root; const parts = path.split('/');
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, {create: true});
    const w = await (await dir.getFileHandle(parts.at(-1), {create: true})).createWritable();
    await w.write(text); await w.close();
  }
}"""
READ = """async ([top, path]) => {
  let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(top);
  const parts = path.split('/');
  for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
  return await (await (await dir.getFileHandle(parts.at(-1))).getFile()).text();
}"""


def repository_files() -> dict[str, str]:
    """The real articles, pages and images as the repository holds them (front matter in YAML)."""
    files = {}
    for path in sorted(CONTENT.rglob("*")):
        if path.suffix == ".md":
            files[path.relative_to(CONTENT.parent).as_posix()] = front_matter.from_meta(path.read_text(encoding="utf-8"))[0]
        elif path.suffix == ".svg":
            files[path.relative_to(CONTENT.parent).as_posix()] = path.read_text(encoding="utf-8")
    return files


class Watch:
    """What a tab did: console errors, CSP violations, requests to another origin."""

    def __init__(self, page, origin: str):
        self.errors, self.foreign = [], []
        page.add_init_script(CSP_LISTENER)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda r: None if is_local(r.url, origin) else self.foreign.append(r.url))

    def problems(self, page) -> list[str]:
        violations = page.evaluate("window.__cspViolations || []")
        return self.errors + [f"CSP: {v}" for v in violations] + [f"request to {url}" for url in self.foreign]


@pytest.fixture(scope="module")
def test_repo_site(tmp_path_factory, site):
    """The real content built with the editor on its test backend (the site fixture first fetches the CMS)."""
    output = tmp_path_factory.mktemp("cms") / "output"
    result = run_build(PROD_SETTINGS, output, 'CMS_BACKEND={"name": "test-repo"}',
                       f"CACHE_PATH={output.parent / 'cache'}")
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="module")
def editor_origin(test_repo_site, settings):
    server, address = serve_directory(test_repo_site, settings["SECURITY_HEADERS"], by_path(settings))
    yield address
    server.shutdown()
    server.server_close()


def open_editor(browser, origin: str, width: int = 1280):
    """A fresh profile with the repository seeded, signed in to the test backend, on the article list."""
    context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
    block_foreign_requests(context, origin)
    page = context.new_page()
    watch = Watch(page, origin)
    page.goto(origin + "/admin/")
    page.evaluate(SEED, [OPFS_ROOT, repository_files()])
    page.reload()
    page.get_by_role("button", name="Work with Test Repository").click()
    if width < 768:  # a phone gets the collection list first
        page.get_by_role("treeitem", name=re.compile("^Articles")).click()
    page.get_by_role("button", name="Create New Entry").first.wait_for()
    return context, page, watch


def fill_article(page, *, title: str, slug: str, body: str) -> None:
    """Everything a writer fills in for a new article, through the editor's own widgets."""
    page.get_by_role("button", name="Create New Entry").first.click()
    page.get_by_role("textbox", name="Title").fill(title)
    page.get_by_role("textbox", name="Date", exact=True).fill("2026-11-10")
    page.get_by_role("textbox", name="Modified").fill("2026-11-10")
    page.get_by_role("radiogroup", name="Category").get_by_role("radio", name="Chronic Pain").click()
    tags = page.get_by_role("group", name=re.compile("Tags.*Field"))
    tags.get_by_role("textbox").fill("sleep")
    page.get_by_role("button", name=re.compile("Add .*Tags")).click()
    tags.get_by_role("textbox").nth(1).fill("evidence")
    page.get_by_role("textbox", name="Slug").fill(slug)
    page.get_by_role("textbox", name="Summary").fill("How poor sleep and long-lasting pain affect each other.")
    points = page.get_by_role("group", name=re.compile("Key points.*Field"))
    for n, point in enumerate(["Poor sleep and pain often go together.", "Each can make the other worse.",
                               "Your clinician can ask about both."]):
        page.get_by_role("button", name=re.compile("Add .*Key points")).click()
        points.get_by_role("textbox").nth(n).fill(point)
    page.get_by_role("radiogroup", name="Author").get_by_role("radio", name=re.compile("^Example Writer")).click()
    page.get_by_role("radiogroup", name="Reviewer").get_by_role("radio", name=re.compile("^Example Physician")).click()
    page.get_by_role("textbox", name="Last reviewed").fill("2026-11-10")
    page.get_by_role("radiogroup", name="Status").get_by_role("radio", name="Published", exact=True).click()
    page.get_by_role("textbox", name="Body").fill(body)


def choices(page, field: str):
    """The radio buttons of one choice field, once the form has drawn them: `all()` and
    `all_inner_texts()` do not wait, and on a loaded CI machine they once read the form before it was there."""
    radios = page.get_by_role("radiogroup", name=field).get_by_role("radio")
    radios.first.wait_for()
    return radios


def save(page, path: str) -> str:
    """Save as a writer does, and the file the editor wrote. Twice in about ten CI runs on a loaded two-core
    machine a click on Save left no "Entry saved." for 90 s (not reproduced since, alone or under load). A
    writer whose save shows nothing clicks Save again, and so does this, once, with a warning in the test
    report, so that a lost click is never silent; a save that happened without its message is kept."""
    for attempt in (1, 2):
        page.get_by_role("button", name="Save").click()
        try:
            page.get_by_text("Entry saved.").wait_for(timeout=45_000)
            break
        except PlaywrightTimeout:
            written = page.evaluate(f"(args) => ({READ})(args).catch(() => null)", [OPFS_ROOT, path])
            if written is not None:
                warnings.warn(f"the editor saved {path} without showing 'Entry saved.' within 45 s")
                return written
            if attempt == 2:
                alerts = page.get_by_role("alert").all_inner_texts()
                raise AssertionError(f"the editor did not save {path} after two clicks on Save; "
                                     f"the page shows: {alerts or 'no alert'}") from None
            warnings.warn(f"the editor showed nothing 45 s after a click on Save for {path}; clicked again")
    return page.evaluate(READ, [OPFS_ROOT, path])


SOURCES = """\
[^raja]: Raja SN, Carr DB, Cohen M, et al. The revised IASP definition of pain. *Pain*. 2020. <https://doi.org/10.1097/j.pain.0000000000001939>
[^treede]: Treede RD, Rief W, Barke A, et al. Chronic pain as a symptom or a disease. *Pain*. 2019. <https://doi.org/10.1097/j.pain.0000000000001384>
"""


# --- As deployed: the sign-in screen ------------------------------------------------------------

@pytest.mark.parametrize("width", [1280, 375])
def test_the_deployed_editor_loads_cleanly_and_contacts_no_other_site_before_sign_in(browser, origin, width,
                                                                                   screenshots):
    context = browser.new_context(viewport={"width": width, "height": 800}, service_workers="block")
    block_foreign_requests(context, origin)
    page = context.new_page()
    watch = Watch(page, origin)
    try:
        response = page.goto(origin + "/admin/")
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert "noindex" in response.headers["x-robots-tag"]
        page.get_by_role("button", name=re.compile("Sign In with .*GitHub")).wait_for()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=screenshots / f"admin-sign-in-{width}.png")
        assert watch.problems(page) == []
        fonts = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
        assert any("Material Symbols" in family for family in fonts), "the icon font, served from /admin/fonts/"
    finally:
        context.close()


# --- The test backend: list, edit, save ------------------------------------------------------------

def test_the_editor_lists_our_collections_and_every_existing_article(browser, editor_origin, screenshots):
    context, page, watch = open_editor(browser, editor_origin)
    try:
        for collection in ("Articles", "Pages"):
            assert page.get_by_role("link", name=re.compile(collection)).or_(
                page.get_by_role("option", name=re.compile(collection))).or_(
                page.get_by_text(collection, exact=True)).first.is_visible()
        for path, text in repository_files().items():
            if path.startswith("content/articles/"):
                title = front_matter_title(text)
                assert page.get_by_text(title, exact=False).first.is_visible(), f"{path} ({title}) is not listed"
        page.screenshot(path=screenshots / "admin-articles-1280.png")
        assert watch.problems(page) == []
    finally:
        context.close()


def front_matter_title(text: str) -> str:
    import yaml

    return yaml.safe_load(text.split("---", 2)[1])["title"]


@pytest.mark.parametrize("width", [1280, 375])
def test_the_editor_form_offers_only_the_choices_the_build_accepts(browser, editor_origin, settings, width,
                                                                   screenshots):
    context, page, watch = open_editor(browser, editor_origin, width)
    try:
        page.get_by_role("button", name="Create New Entry").first.click()
        categories = choices(page, "Category")
        assert categories.all_inner_texts() == settings["CATEGORIES"] or \
            [c.get_attribute("value") for c in categories.all()] == settings["CATEGORIES"]
        reviewers = [r.get_attribute("value") for r in choices(page, "Reviewer").all()]
        assert reviewers == [key for key, person in settings["PEOPLE"].items() if person.get("role") in settings["REVIEWER_ROLES"]]
        authors = [r.get_attribute("value") for r in choices(page, "Author").all()]
        assert authors == list(settings["PEOPLE"])
        page.screenshot(path=screenshots / f"admin-new-article-{width}.png", full_page=True)
        # Saving with the required fields empty is refused in the editor, before anything is written.
        page.get_by_role("button", name="Save").click()
        page.get_by_text(re.compile("required", re.I)).first.wait_for()
        assert watch.problems(page) == []
    finally:
        context.close()


def test_an_article_saved_in_the_editor_is_a_file_the_build_accepts(browser, editor_origin, tmp_path):
    context, page, watch = open_editor(browser, editor_origin)
    try:
        fill_article(page, title="Sleep and chronic pain", slug="sleep-and-chronic-pain",
                     body="Poor sleep and long-lasting pain often travel together.[^raja] "
                          f"Clinicians ask about both.[^treede] {FILLER}\n\n" + SOURCES)  # an article's length
        saved = save(page, "content/articles/sleep-and-chronic-pain.md")
        assert watch.problems(page) == []
    finally:
        context.close()
    assert saved.startswith("---\ntitle: Sleep and chronic pain\ndate: 2026-11-10\n")
    assert "key_points:\n  - Poor sleep and pain often go together.\n" in saved
    result = build_site_from(tmp_path, {"articles/sleep-and-chronic-pain.md": saved}, f'RULES_TODAY="{FIXTURE_TODAY}"')
    assert result.returncode == 0, result.stderr
    page_html = (result.output / "articles" / "sleep-and-chronic-pain" / "index.html").read_text(encoding="utf-8")
    assert "Sleep and chronic" in page_html and "Example Physician" in page_html


def test_an_article_saved_with_a_broken_rule_is_refused_by_the_build_with_that_rule(browser, editor_origin,
                                                                                    tmp_path):
    context, page, watch = open_editor(browser, editor_origin)
    try:
        fill_article(page, title="Sleep and chronic pain", slug="sleep-and-chronic-pain",
                     body="Ketamine is a miracle for poor sleep.[^raja] Clinicians ask about both.[^treede]\n\n" + SOURCES)
        saved = save(page, "content/articles/sleep-and-chronic-pain.md")
    finally:
        context.close()
    line = saved.splitlines().index(next(l for l in saved.splitlines() if "miracle" in l)) + 1
    result = build_site_from(tmp_path, {"articles/sleep-and-chronic-pain.md": saved}, f'RULES_TODAY="{FIXTURE_TODAY}"')
    assert result.returncode == 1
    assert any(re.search(rf"content/articles/sleep-and-chronic-pain\.md:{line}: claim-flagged: 'miracle'", found)
               for found in result.lines), result.stderr


def test_a_save_that_breaks_the_live_build_shows_its_problems_in_the_editor(browser, editor_origin,
                                                                          test_repo_site, settings, screenshots):
    """What `invoke livereload` writes after a failed rebuild (cms_admin.write_build_status) reaches the
    writer in the editor, and goes once a save builds again."""
    from clinic.writers.cms_admin import write_build_status

    line = "content/articles/sleep.md:14: claim-flagged: 'miracle' is a claim regulators flag; say what the evidence shows"
    context, page, watch = open_editor(browser, editor_origin)
    try:
        write_build_status(test_repo_site, settings, ["Building...\n", line + "\n", "1 problem found\n"], failed=True)
        alert = page.get_by_role("alert", name="Build problems")
        alert.wait_for()
        assert alert.get_by_role("listitem").all_inner_texts() == [line]
        page.screenshot(path=screenshots / "admin-build-problems-1280.png")
        write_build_status(test_repo_site, settings, [], failed=False)
        alert.wait_for(state="detached")
        assert watch.problems(page) == []
    finally:
        write_build_status(test_repo_site, settings, [], failed=False)
        context.close()
