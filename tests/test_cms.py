"""The writers' editor at /admin/ as the build writes it: config from settings, pinned files, its own rules."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from clinic.writers import cms_vendor
from conftest import GOOD_ARTICLE, PROD_SETTINGS, ROOT
from test_safety import assert_strict, headers_file, nginx_headers


def fields_of(config: dict, collection: str) -> dict:
    return {f["name"]: f for f in next(c for c in config["collections"] if c["name"] == collection)["fields"]}


def test_the_editor_offers_what_the_settings_say_and_nothing_else(fixture_site):
    people = {
        "a-writer": {"name": "A Writer", "credentials": "Writer"},
        "a-nurse": {"role": "clinician", "name": "A Nurse", "credentials": "RN"},
    }
    import json

    result = fixture_site({"articles/fixture.md": GOOD_ARTICLE.replace("example-writer", "a-writer")
                           .replace("example-physician", "a-nurse")},
                          'CATEGORIES=["Chronic Pain", "Sleep"]', f"PEOPLE={json.dumps(people)}")
    assert result.returncode == 0, result.stderr
    text = (result.output / "admin" / "config.yml").read_text(encoding="utf-8")
    assert text.startswith("# Generated from pelicanconf.py")
    fields = fields_of(yaml.safe_load(text), "articles")
    assert fields["category"]["options"] == ["Chronic Pain", "Sleep"]
    assert [o["value"] for o in fields["author"]["options"]] == ["a-writer", "a-nurse"]
    assert [o["value"] for o in fields["reviewer"]["options"]] == ["a-nurse"], "only people who review"
    for name in ("date", "modified", "last_reviewed"):
        assert fields[name]["widget"] == "datetime" and fields[name]["format"] == "YYYY-MM-DD"
        assert fields[name]["time_format"] is False
    points = fields["key_points"]
    assert points["widget"] == "list" and (points["min"], points["max"], points["required"]) == (3, 5, True)
    assert points["field"]["widget"] == "string"
    assert fields["body"]["widget"] == "markdown" and "amazon-search:" in fields["body"]["hint"]


def test_every_required_field_is_required_in_the_editor_too(settings):
    from clinic.writers.cms_admin import EMPTY_IN_DRAFTS, config

    fields = fields_of(config(settings), "articles")
    for name in settings["REQUIRED_METADATA"]:
        assert fields[name]["required"] is (name not in EMPTY_IN_DRAFTS), name
    assert EMPTY_IN_DRAFTS == ("last_reviewed",), "a draft is saved before its review; the build insists later"


def test_images_go_to_content_images_and_are_linked_as_the_writers_guide_links_them(settings):
    from clinic.writers.cms_admin import config

    made = config(settings)
    assert made["media_folder"] == "content/images" and made["public_folder"] == "{static}/images"
    script = (ROOT / "plugins" / "clinic" / "writers" / "cms_components.js").read_text(encoding="utf-8")
    assert re.search(r'name: "alt",[^}]*required: true', script), "a figure's alt text is required"


def test_the_editor_is_served_from_our_files_pinned_by_checksum(site):
    admin = site / "admin"
    for pinned in cms_vendor.FILES:
        served = (admin / pinned.serve_as).read_bytes()
        assert hashlib.sha256(served).hexdigest() == pinned.sha256, pinned.serve_as
    bundle = (admin / "sveltia-cms.js").read_text(encoding="utf-8")
    for host in ("cdn.jsdelivr.net", "unpkg.com/@sveltia/cms/package.json", "www.githubstatus.com/api"):
        assert host not in bundle.replace("https://unpkg.com/@sveltia/cms`", ""), host
    page = (admin / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "nothing from another origin"


def test_a_tampered_file_is_refused_and_removed(tmp_path):
    vendor = tmp_path / "vendor"
    cms_vendor.ensure()  # fetched once per machine
    shutil.copytree(cms_vendor.VENDOR_DIR, vendor)
    first = cms_vendor.FILES[1]
    local = next(vendor.rglob(first.serve_as.rsplit("/", 1)[-1]))
    local.write_bytes(local.read_bytes() + b"\0")
    with pytest.raises(cms_vendor.VendorError, match="sha256"):
        cms_vendor.ensure(vendor)
    assert not local.exists(), "the next build fetches it again"


def test_a_release_that_moved_a_patched_line_fails_loudly():
    with pytest.raises(cms_vendor.VendorError, match="expected"):
        cms_vendor.patched("sveltia-cms.js", b"console.log('no fonts here')")


def test_a_tarball_that_is_not_the_pinned_one_is_refused():
    pinned = cms_vendor.FILES[0]
    assert cms_vendor.integrity_ok(b"x", pinned.integrity) is False
    import base64

    good = "sha512-" + base64.b64encode(hashlib.sha512(b"x").digest()).decode()
    assert cms_vendor.integrity_ok(b"x", good)


def test_admin_is_no_public_page(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/admin/" not in sitemap
    feeds = "".join(p.read_text(encoding="utf-8") for p in (site / "feeds").glob("*.xml"))
    assert "/admin/" not in feeds
    for page in site.rglob("*.html"):
        if page.parts[len(site.parts)] != "admin":
            assert "/admin/" not in page.read_text(encoding="utf-8"), f"{page} links the editor"
    admin_page = (site / "admin" / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in admin_page, "Pagefind indexes only pages marked as bodies"
    indexed = b"".join(p.read_bytes() for p in (site / "pagefind").rglob("*.pf_fragment"))
    assert indexed, "the search index has fragments"
    assert b"/admin/" not in indexed  # fragments are gzip: the URL would not show; their count says it
    assert len(list((site / "pagefind" / "fragment").glob("*.pf_fragment"))) == len(
        [p for p in site.rglob("index.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")])


def test_the_editor_has_its_own_policy_and_public_pages_keep_theirs(site, settings):
    rules = headers_file(site / "_headers")
    assert_strict(rules["/*"], "_headers /*")
    assert rules["/admin/*"]["Content-Security-Policy"] == settings["CMS_CONTENT_SECURITY_POLICY"]
    assert rules["/admin/*"]["X-Robots-Tag"] == "noindex, nofollow"
    blocks = nginx_headers(ROOT / "docs" / "hosting" / "nginx.conf")
    assert blocks["^~ /admin/"]["Content-Security-Policy"] == settings["CMS_CONTENT_SECURITY_POLICY"]
    assert_strict(blocks["/"], "nginx /")
    policy = settings["CMS_CONTENT_SECURITY_POLICY"]
    assert "'unsafe-eval'" not in policy and "script-src 'self';" in policy, "no script but our files"
    origins = set(re.findall(r"https://[^\s;]+", policy))
    assert origins == {"https://api.github.com", "https://avatars.githubusercontent.com"}, "GitHub, after sign-in"


def test_invoke_check_refuses_an_editor_page_stripped_of_noindex_or_policy(site, tmp_path):
    copy = tmp_path / "output"
    shutil.copytree(site, copy)
    page = copy / "admin" / "index.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"<meta[^>]*(robots|Content-Security-Policy)[^>]*>", "", html), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "clinic.audit.check", str(copy), "--settings", str(PROD_SETTINGS)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1
    found = [line for line in done.stderr.splitlines() if ": cms-admin: " in line]
    assert any("admin/index.html:1: cms-admin: the editor's page is not noindex" in line for line in found), done.stderr
    assert any("lacks CMS_CONTENT_SECURITY_POLICY" in line for line in found), done.stderr
