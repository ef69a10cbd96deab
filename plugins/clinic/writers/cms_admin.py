"""The writers' editor at /admin/: its page, its config.yml generated from settings, its pinned files.

The CMS offers only what the build accepts: categories from CATEGORIES, authors from PEOPLE, reviewers
from the people who review, ISO dates from date pickers, a field required wherever REQUIRED_METADATA
requires it. Nothing here is kept by hand, so a new category or reviewer reaches the editor with the
next build. The page is noindex, outside the sitemap, the search index and the feeds, and carries its
own Content-Security-Policy (CMS_CONTENT_SECURITY_POLICY); the public pages keep theirs.

A shaping step of the build (build/runner.py) writes the folder; check_admin is the audit's part for it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from html import escape
from pathlib import Path

import yaml

from clinic.writers import cms_vendor
from clinic.source import people
from clinic.problems import Problem

# Fields a draft may still leave empty, so the editor does not insist on them: the build does, once the
# article is published (metadata-missing). A date picker cannot hold "not reviewed yet" otherwise.
EMPTY_IN_DRAFTS = ("last_reviewed",)
DATE_FORMAT = "YYYY-MM-DD"
SCRIPT = "cms.js"  # ours: the preview stylesheet and the editor components


def admin_path(settings: dict) -> str:
    return settings.get("CMS_ADMIN_PATH", "admin").strip("/")


def reviewers(settings: dict) -> dict:
    """The people the editor offers as Reviewer: those whose role may review (people.may_review)."""
    return {key: settings["PEOPLE"][key] for key in people.may_review(settings)}


def _people_options(people: dict) -> list[dict]:
    return [{"label": f"{p.get('name', key)} ({p['credentials']})" if p.get("credentials") else p.get("name", key),
             "value": key} for key, p in people.items()]


def _date(name: str, label: str, hint: str) -> dict:
    return {"name": name, "label": label, "widget": "datetime", "format": DATE_FORMAT,
            "date_format": DATE_FORMAT, "time_format": False, "picker_utc": True, "hint": hint}


def article_fields(settings: dict) -> list[dict]:
    """The header fields in the order the files keep them, then the body."""
    todo = settings.get("NEWPOST_TODO_MARKER", "TODO")
    fields = [
        {"name": "title", "label": "Title", "widget": "string", "hint": "Sentence case, no full stop."},
        _date("date", "Date", "The day the article is first published. A day in the future schedules it."),
        _date("modified", "Modified", "The day of the last real change; never before Date."),
        {"name": "category", "label": "Category", "widget": "select", "options": list(settings.get("CATEGORIES", []))},
        {"name": "tags", "label": "Tags", "widget": "list",
         "hint": "2 to 4 lowercase tags, one per item; reuse existing ones."},
        {"name": "slug", "label": "Slug", "widget": "string", "pattern": ["^[a-z0-9]+(-[a-z0-9]+)*$",
                                                                          "lowercase words joined by hyphens"],
         "hint": "The web address: /articles/ then the slug. Do not change it once the article is published."},
        {"name": "summary", "label": "Summary", "widget": "text",
         "hint": "One or two plain sentences: no links, no markup."},
        {"name": "key_points", "label": "Key points", "widget": "list",
         "field": {"name": "point", "label": "Key point", "widget": "string"},
         "min": settings.get("KEY_POINTS_MIN", 3), "max": settings.get("KEY_POINTS_MAX", 5),
         "hint": "Three to five plain-language points a reader should take away."},
        {"name": "author", "label": "Author", "widget": "select", "options": _people_options(settings.get("PEOPLE", {}))},
        {"name": "reviewer", "label": "Reviewer", "widget": "select", "options": _people_options(reviewers(settings)),
         "hint": "The clinician who medically reviews the article."},
        _date("last_reviewed", "Last reviewed",
              "The day the reviewer signed this version off; leave empty until then, and set Modified to the same day."),
        {"name": "status", "label": "Status", "widget": "select", "default": "draft",
         "options": [{"label": "Draft (not published)", "value": "draft"},
                     {"label": "Published", "value": "published"}],
         "hint": "Choose Published only when every field is filled in and the reviewer has signed off."},
        {"name": "body", "label": "Body", "widget": "markdown", "modes": ["raw", "rich_text"],
         "editor_components": ["figure"],
         "hint": f"Use ## for sections. Cite sources as footnotes, `[^key]`. Affiliate links are Amazon searches: "
                 f"`[search Amazon for TENS units](amazon-search:tens+unit)`, the words joined by +. Leave no {todo}."},
    ]
    required = set(settings.get("REQUIRED_METADATA", [])) - set(EMPTY_IN_DRAFTS) | {"slug", "status", "body"}
    required |= {"key_points"} if settings.get("KEY_POINTS_MIN") else set()
    for field in fields:
        field["required"] = field["name"] in required
    return fields


def page_fields(settings: dict) -> list[dict]:
    return [
        {"name": "title", "label": "Title", "widget": "string", "required": True},
        {"name": "slug", "label": "Slug", "widget": "string", "required": True},
        # The page's own template (contact, disclaimer...): kept as it is, not for writers to change.
        {"name": "template", "label": "Template", "widget": "hidden", "required": False},
        _date("modified", "Modified", "The day of the last real change.") | {"required": False},
        {"name": "summary", "label": "Summary", "widget": "text", "required": False},
        {"name": "body", "label": "Body", "widget": "markdown", "required": True,
         "editor_components": ["figure"]},
    ]


def _asset(path: str, settings: dict) -> str:
    from clinic.build.delivery import asset_url

    return asset_url(path, settings)


def config(settings: dict) -> dict:
    content = Path(settings.get("PATH", "content")).name
    articles, pages = (settings.get(key, [default])[0] for key, default in
                       (("ARTICLE_PATHS", "articles"), ("PAGE_PATHS", "pages")))
    images = next((p for p in settings.get("STATIC_PATHS", []) if "image" in p), "images")
    common = {"extension": "md", "format": "yaml-frontmatter", "create": True, "identifier_field": "title"}
    return {
        "backend": dict(settings.get("CMS_BACKEND", {"name": "github"})),
        "site_url": settings.get("SITE_PUBLIC_URL", ""),
        # Without it the editor asks for the URL "undefined" (a 404 in the console on every load).
        "logo_url": _asset("img/favicon.svg", settings),
        # Pelican's own link to a static file, so what the editor inserts is what docs/writing.md shows.
        "media_folder": f"{content}/{images}",
        "public_folder": f"{{static}}/{images}",
        "slug": {"encoding": "ascii", "clean_accents": True},
        "collections": [
            {"name": "articles", "label": "Articles", "label_singular": "Article",
             "folder": f"{content}/{articles}", "slug": "{{fields.slug}}", "summary": "{{title}} ({{date}})",
             "sortable_fields": ["date", "title", "category"], **common, "fields": article_fields(settings)},
            {"name": "pages", "label": "Pages", "label_singular": "Page",
             "folder": f"{content}/{pages}", "slug": "{{fields.slug}}", **common, "fields": page_fields(settings)},
        ],
    }


def render_config(settings: dict) -> str:
    header = "# Generated from pelicanconf.py at build time (plugins/clinic/writers/cms_admin.py); do not edit.\n"
    return header + yaml.safe_dump(config(settings), sort_keys=False, allow_unicode=True, width=120)


# Directives a policy in <meta> may not carry (browsers ignore them there, and say so in the console);
# the hosts' headers (headers.py) send the whole policy.
NOT_IN_META = ("frame-ancestors", "report-uri", "sandbox")


def meta_policy(settings: dict) -> str:
    directives = [d.strip() for d in settings["CMS_CONTENT_SECURITY_POLICY"].split(";") if d.strip()]
    return "; ".join(d for d in directives if d.split()[0] not in NOT_IN_META)


def index_html(settings: dict) -> str:
    """The editor's page. It has no </head> (the HTML parser closes the head itself): `invoke livereload`
    puts its reload script before that tag, and the editor must not reload on every save it makes."""
    from clinic.build.delivery import asset_url

    policy = escape(meta_policy(settings), quote=True)
    icon = escape(asset_url("img/favicon.svg", settings), quote=True)
    return f"""<!doctype html>
<html lang="{escape(settings.get('DEFAULT_LANG', 'en'))}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Editor · {escape(settings.get('SITENAME', ''))}</title>
<link rel="icon" href="{icon}" type="image/svg+xml">
<link href="config.yml" type="application/yaml" rel="cms-config-url">
<body>
<script src="{cms_vendor.FILES[0].serve_as}"></script>
<script src="{SCRIPT}"></script>
</body>
</html>
"""


def cms_script(settings: dict) -> str:
    """Our one script: the site's stylesheet for the preview, and the figure the writers' guide describes
    (an image whose alt text is required, with its caption and credit)."""
    from clinic.build.delivery import asset_url

    template = (Path(__file__).with_name("cms_components.js")).read_text(encoding="utf-8")
    return template.replace("__PREVIEW_STYLE__", json.dumps(asset_url("css/site.css", settings)))


# What `invoke livereload` tells the editor after each rebuild (cms_components.js shows it on localhost).
BUILD_STATUS = "build-status.json"
PROBLEM_LINE = re.compile(r"^\S.*?:\d+: [a-z][a-z0-9-]*: ")


def write_build_status(output: Path, settings: dict, printed: list[str], failed: bool) -> None:
    """After a live rebuild: whether it failed, and its problem lines, beside the editor. A failed build
    leaves the last good output in place; this one file in it says why the preview did not change."""
    folder = Path(output) / admin_path(settings)
    if not settings.get("CMS_ADMIN_PATH") or not folder.is_dir():
        return
    lines = [line for line in "".join(printed).splitlines() if PROBLEM_LINE.match(line)] if failed else []
    (folder / BUILD_STATUS).write_text(json.dumps({"ok": not failed, "problems": lines}) + "\n", encoding="utf-8")


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)  # 3 MB in every build: linked from vendor/, not copied
    except OSError:
        shutil.copyfile(source, target)


def write_admin(output: Path, settings: dict) -> list[Problem]:
    """Shaping step: /admin/ with its page, generated config, our script and the pinned CMS files."""
    if not settings.get("CMS_ADMIN_PATH"):
        return []
    files, problems = cms_vendor.problems_ensuring()
    if problems:
        return problems
    folder = Path(output) / admin_path(settings)
    for name, source in files.items():
        _link_or_copy(source, folder / name)
    (folder / cms_vendor.VERSION_FILE).write_text(json.dumps({"version": cms_vendor.CMS_VERSION}) + "\n",
                                                   encoding="utf-8")
    (folder / cms_vendor.STATUS_FILE).write_text("{}\n", encoding="utf-8")
    (folder / BUILD_STATUS).write_text(json.dumps({"ok": True, "problems": []}) + "\n", encoding="utf-8")
    (folder / "config.yml").write_text(render_config(settings), encoding="utf-8")
    (folder / SCRIPT).write_text(cms_script(settings), encoding="utf-8")
    (folder / "index.html").write_text(index_html(settings), encoding="utf-8")
    return []


def check_admin(output: Path, settings: dict) -> list[Problem]:
    """The audit's part for /admin/: kept out of search engines, under its own policy, loading only our files."""
    import lxml.html

    if not settings.get("CMS_ADMIN_PATH"):
        return []
    rel = f"{admin_path(settings)}/index.html"
    page = Path(output) / rel
    if not page.is_file():
        return [Problem(rel, 0, "cms-admin", "the editor's page is missing",
                        "keep cms_admin.write_admin among the build's shaping steps")]
    root = lxml.html.fromstring(page.read_bytes())
    metas = {(m.get("name") or m.get("http-equiv") or "").lower(): m.get("content") or "" for m in root.iter("meta")}
    problems = []
    if "noindex" not in metas.get("robots", ""):
        problems.append(Problem(rel, 1, "cms-admin", "the editor's page is not noindex", "keep its robots meta"))
    if metas.get("content-security-policy") != meta_policy(settings):
        problems.append(Problem(rel, 1, "cms-admin", "the editor's page lacks CMS_CONTENT_SECURITY_POLICY",
                                "keep the policy <meta> that index_html writes"))
    loads = [node.get("src") or node.get("href") or "" for node in root.iter("script", "link", "img", "iframe")]
    if any(re.match(r"^\s*(https?:)?//", url, re.IGNORECASE) for url in loads):
        problems.append(Problem(rel, 1, "cms-admin", "the editor's page loads a file from another origin",
                                "serve every file of the editor from /admin/ (cms_vendor.py)"))
    return problems
