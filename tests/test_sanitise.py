"""Raw HTML passes only through the allow-list: every way to run script, load from or send to another
origin, embed a document, restyle the page or move the reader is refused by rule id and file:line, and
what our own Markdown and rewrite produce passes untouched. Each page carries the policy in a <meta>."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from clinic import headers
from conftest import BODY_END, FIRST_NEW_LINE, GOOD_ARTICLE

DIAGRAM = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>A box</title><rect width="10" height="10"/></svg>'

# name: (Markdown written after the first paragraph, at FIRST_NEW_LINE, the line the problem names, rule id)
L = FIRST_NEW_LINE
BAD = {
    # anything that runs script
    "script": ("<script>alert(1)</script>", L, "raw-html-element"),
    "script-upper": ('<SCRIPT SRC="/theme/x.js"></SCRIPT>', L, "raw-html-element"),
    "script-mixed": ("<ScRiPt>alert(1)</sCrIpT>", L, "raw-html-element"),
    "svg-script": ("<svg><script>alert(1)</script></svg>", L, "raw-html-element"),
    "svg-onload": ('<svg onload="alert(1)"></svg>', L, "raw-html-element"),
    "math": ('<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>', L,
             "raw-html-element"),
    "noscript": ("<noscript><p>No script</p></noscript>", L, "raw-html-element"),
    "onerror": ('<img src="{static}/images/diagram.svg" alt="A box" onerror="alert(1)">', L, "raw-html-attribute"),
    "onload-upper": ('<p ONLOAD="alert(1)">Text.</p>', L, "raw-html-attribute"),
    "onfocus-autofocus": ('<p onfocus="alert(1)" autofocus tabindex="0">Text.</p>', L, "raw-html-attribute"),
    "onclick-attr-list": ('## Dosing {: onclick="alert(1)" }', L, "raw-html-attribute"),
    "onmouseover-span": ('A <span onmouseover="alert(1)">word</span>.', L, "raw-html-attribute"),
    # script in an address, in every spelling a browser still reads as one
    "javascript-href": ('<a href="javascript:alert(1)">the leaflet</a>', L, "raw-html-url"),
    "javascript-mixed-case": ('<a href="JaVaScRiPt:alert(1)">the leaflet</a>', L, "raw-html-url"),
    "javascript-entity": ('<a href="&#106;avascript:alert(1)">the leaflet</a>', L, "raw-html-url"),
    "javascript-hex-entity": ('<a href="&#x6A;&#x61;vascript:alert(1)">the leaflet</a>', L, "raw-html-url"),
    "javascript-tab": ('<a href="java&#9;script:alert(1)">the leaflet</a>', L, "raw-html-url"),
    "javascript-raw-tab": ('<a href="java\tscript:alert(1)">the leaflet</a>', L, "raw-html-url"),
    "javascript-newline": ('<a href="java&#10;script:alert(1)">the leaflet</a>', L, "raw-html-url"),
    "javascript-leading-space": ('<a href="  \tjavascript:alert(1)">the leaflet</a>', L, "raw-html-url"),
    "javascript-colon-entity": ('<a href="javascript&colon;alert(1)">the leaflet</a>', L, "raw-html-url"),
    "vbscript": ('<a href="vbscript:msgbox(1)">the leaflet</a>', L, "raw-html-url"),
    "data-href": ('<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">the leaflet</a>', L,
                  "raw-html-url"),
    "data-img": ('<img src="data:image/svg+xml,%3Csvg%20onload=alert(1)%3E" alt="A box">', L, "raw-html-url"),
    "markdown-link-js": ("Read [the leaflet](javascript:alert(1)) first.", L, "raw-html-url"),
    "markdown-image-js": ("![A box](JaVaScRiPt:alert(1))", L, "raw-html-url"),
    "markdown-link-data": ("Read [the leaflet](data:text/html,hello) first.", L, "raw-html-url"),
    "markdown-reference-js": ("Read [the leaflet][leaflet] first.\n\n[leaflet]: javascript:alert(1)", L + 2, "raw-html-url"),
    # embedding another document
    "iframe": ('<iframe src="https://video.example/embed/1"></iframe>', L, "raw-html-element"),
    "iframe-srcdoc": ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', L, "raw-html-element"),
    "srcdoc-attribute": ('<div srcdoc="x">Text.</div>', L, "raw-html-attribute"),
    "frame": ('<frameset><frame src="https://video.example/"></frameset>', L, "raw-html-element"),
    "object": ('<object data="https://video.example/a.swf"></object>', L, "raw-html-element"),
    "embed": ('<embed src="https://video.example/a.swf">', L, "raw-html-element"),
    "portal": ('<portal src="https://video.example/"></portal>', L, "raw-html-element"),
    # sending what a reader types, or moving the reader elsewhere
    "form-action": ('<form action="https://collect.example/"><input name="q"></form>', L, "raw-html-element"),
    "formaction": ('<button formaction="https://collect.example/">Send</button>', L, "raw-html-element"),
    "meta-refresh": ('<meta http-equiv="refresh" content="0;url=https://elsewhere.example/">', L, "raw-html-element"),
    "base-href": ('<base href="https://elsewhere.example/">', L, "raw-html-element"),
    "target": ('<a href="https://example.org/" target="_blank">a page</a>', L, "raw-html-attribute"),
    "ping": ('<a href="https://example.org/" ping="https://collect.example/">a page</a>', L, "raw-html-attribute"),
    # loading from elsewhere, and styles (the policy allows no inline style)
    "link-stylesheet": ('<link rel="stylesheet" href="https://cdn.example/x.css">', L, "raw-html-element"),
    "link-prefetch": ('<link rel="prefetch" href="https://elsewhere.example/">', L, "raw-html-element"),
    "style-element": ('<style>@import url("https://cdn.example/x.css");</style>', L, "raw-html-element"),
    "style-url": ('<p style="background: url(https://cdn.example/x.png)">Text.</p>', L, "raw-html-attribute"),
    "style-expression": ('<p style="width: expression(alert(1))">Text.</p>', L, "raw-html-attribute"),
    "style-attr-list": ('A paragraph.\n{: style="color: red" }', L + 1, "raw-html-attribute"),
    "img-external": ('<img src="https://images.example.org/nerve.png" alt="A nerve">', L, "privacy-external"),
    "img-protocol-relative": ('<img src="//images.example.org/nerve.png" alt="A nerve">', L, "privacy-external"),
    "img-backslashes": ('<img src="\\\\images.example.org\\nerve.png" alt="A nerve">', L, "privacy-external"),
    "img-scheme-no-slashes": ('<img src="https:images.example.org/nerve.png" alt="A nerve">', L, "privacy-external"),
    "markdown-image-external": ("![A nerve](https://images.example.org/nerve.png)", L, "privacy-external"),
    "srcset": ('<img src="{static}/images/diagram.svg" srcset="https://images.example.org/2x.png 2x" alt="A box">',
               L, "raw-html-attribute"),
    "video-poster": ('<video poster="https://images.example.org/p.png"></video>', L, "raw-html-element"),
    "input-src": ('<input type="image" src="https://images.example.org/b.png">', L, "raw-html-element"),
    # borrowing the theme's classes (a fake notice, hidden text) or values the list does not name
    "class-not-listed": ('<div class="notice">As an Amazon Associate ...</div>', L, "raw-html-attribute"),
    "class-attr-list": ("A paragraph.\n{: .visually-hidden }", L + 1, "raw-html-attribute"),
    "loading-value": ('<img src="{static}/images/diagram.svg" alt="A box" loading="eager">', L, "raw-html-attribute"),
    # HTML the two parsers read differently: nh3 would move it, so it is refused rather than changed
    "misnested-table": ("<table><p>Text.</p></table>", L, "raw-html-sanitiser"),
}


def _article(name: str, body: str) -> str:
    text = GOOD_ARTICLE.replace("Slug: fixture-article", f"Slug: {name}")
    return text.replace(BODY_END, f"{BODY_END}\n{body}\n")


@pytest.fixture(scope="module")
def refused(tmp_path_factory):
    from conftest import build_site_from

    files = {f"articles/{name}.md": _article(name, body) for name, (body, _, _) in BAD.items()}
    files["articles/summary.md"] = _article("summary", "").replace(
        "Summary: A short fixture article used by the tests.", "Summary: A short [leaflet](javascript:alert(1)) article.")
    files["images/diagram.svg"] = DIAGRAM
    return build_site_from(tmp_path_factory.mktemp("refused"), files)


def test_the_fixture_puts_each_bad_input_on_its_first_new_line(refused):
    article = _article("script", "<script>alert(1)</script>")
    assert article.splitlines()[L - 1] == "<script>alert(1)</script>"


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_input_is_refused_by_rule_id_on_its_line(refused, name):
    _, line, rule = BAD[name]
    assert refused.returncode == 1
    pattern = rf"^(\S*/)?articles/{re.escape(name)}\.md:{line}: {re.escape(rule)}: \S.*; \S"
    assert any(re.match(pattern, entry) for entry in refused.lines), (
        f"no '{name}.md:{line}: {rule}' in:\n" + "\n".join(e for e in refused.lines if f"/{name}.md:" in e))


def test_a_script_address_in_a_written_summary_is_refused_on_the_summary_line(refused):
    # Feeds carry a written Summary as HTML; its raw tags are text already (reader.py), its links are not.
    assert any(re.match(r"^(\S*/)?articles/summary\.md:7: raw-html-url: <a> href= is a javascript: ", entry)
               for entry in refused.lines), refused.stderr


def test_a_refused_build_names_only_real_problems_and_publishes_nothing(refused):
    assert "Traceback" not in refused.stderr + refused.stdout
    problems = [entry for entry in refused.lines if not entry.endswith("nothing was published.")]
    assert all(re.match(r"^\S.*:\d+: [\w-]+: .+; .+", entry) for entry in problems), refused.stderr
    named = {re.search(r"articles/([\w-]+)\.md:", entry).group(1) for entry in problems}
    assert named == set(BAD) | {"summary"}, "every bad article is named, and no other file"
    assert not refused.output.exists()


GOOD_BODY = """\
## How the sessions go

A table of typical steps, with aligned columns, an ampersand (this & that) and caps from typogrify ("NMDA").

| Step | Minutes |
|:-----|--------:|
| Check-in | 10 |
| Infusion | 40 |

![A box standing for the infusion room]({static}/images/diagram.svg "The infusion room | Illustration: the clinic")

An inline image ![A small box]({static}/images/diagram.svg){: width="10" height="10" } and a
[link with a title](https://example.org/ "The example page"), [a mail link](mailto:desk@example.org),
[a phone link](tel:+15555550100), [an anchor](#how-the-sessions-go) and [a page]({filename}/pages/about.md).

<div markdown="1">
Some **Markdown** inside a block of markup.
</div>

<details><summary>A native question</summary><p>Its answer.</p></details>

## Frequently asked questions {: .faq }

### How long does a session last?

About an hour, with time to rest afterwards.
"""


@pytest.fixture(scope="module")
def allowed(tmp_path_factory):
    from conftest import build_site_from

    about = "Title: About the fixture\nModified: 2026-11-01\n\nThe clinic.\n"
    # (A store link in a written Summary is refused before it reaches the sanitiser: affiliate-in-summary.)
    article = _article("fixture-article", GOOD_BODY)
    files = {"articles/fixture.md": article, "images/diagram.svg": DIAGRAM,
             "pages/about.md": about}
    return build_site_from(tmp_path_factory.mktemp("allowed"), files)


def test_what_our_markdown_and_rewrite_produce_passes_and_reaches_readers_unchanged(allowed):
    assert allowed.returncode == 0, allowed.stderr
    page = BeautifulSoup((allowed.output / "articles/fixture-article/index.html").read_text(encoding="utf-8"),
                         "html5lib")
    body = page.find("main")
    assert body.find("th", attrs={"align": "left"}) and body.find("td", attrs={"align": "right"})
    figure = body.find("figure")
    assert figure.find("img", src=re.compile(r"diagram\.svg"), loading="lazy", decoding="async")
    assert figure.find("small", class_="credit").get_text() == "Illustration: the clinic"
    assert body.find("img", alt="A small box", width="10", height="10")
    assert body.find("a", href="https://example.org/", title="The example page", rel=True)
    assert body.find("a", href="mailto:desk@example.org") and body.find("a", href="tel:+15555550100")
    assert body.find("a", href="#how-the-sessions-go") and body.find("h2", id="how-the-sessions-go")
    assert body.find("a", href=re.compile(r"/about-the-fixture/$"))
    assert body.find("strong", string="Markdown")
    question = body.find("details", class_="faq-item").find("summary").get_text(strip=True)
    assert question.replace("\xa0", " ") == "How long does a session last?"
    assert body.find("summary", string="A native question")
    assert body.find("sup", id=re.compile(r"^fnref:")).find("a", class_="footnote-ref")
    assert body.find("a", class_="footnote-backref", title=re.compile("Back to the text"))
    assert body.find("span", class_="caps")


@pytest.mark.parametrize("name", sorted(BAD))
def test_nh3_cleans_each_bad_input_by_the_same_list_on_its_own(settings, name):
    # Defence in depth: after the rules pass, nh3 (not the walk above) decides what is written. Given each
    # bad input raw, what it keeps runs no script, loads nothing from elsewhere, embeds and restyles nothing.
    from clinic.render import sanitise

    kept = BeautifulSoup(sanitise.clean(BAD[name][0], settings), "html5lib")
    allow = sanitise.allow_list(settings)
    for tag in kept.body.find_all(True):
        assert tag.name in allow.tags, tag
        for attribute, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            assert allow.permits_attribute(tag.name, attribute) and not attribute.startswith("on"), tag
            assert not sanitise.schemes_of(value) - allow.schemes or attribute not in sanitise.URL_ATTRIBUTES, tag
            assert not (attribute in sanitise.LOAD_ATTRIBUTES and sanitise.from_elsewhere(value, allow.site_url)), tag


# --- The policy in every page ------------------------------------------------------------------------

def test_every_built_page_carries_the_meta_policy_first_in_its_head(site, settings):
    wanted = headers.meta_policy(settings)
    assert "frame-ancestors" not in wanted and "'wasm-unsafe-eval'" in wanted and "object-src 'none'" in wanted
    # The writers' editor has a policy of its own (test_cms.py); every public page carries the site's.
    pages = [p for p in sorted(site.rglob("*.html")) if "pagefind" not in p.parts and settings["CMS_ADMIN_PATH"] not in p.parts]
    assert len(pages) > 20
    for path in pages:
        head = BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib").head
        metas = head.find_all("meta", attrs={"http-equiv": re.compile("^content-security-policy$", re.I)})
        assert [m["content"] for m in metas] == [wanted], path.relative_to(site)
        before = metas[0].find_all_previous(["link", "script", "style", "base"])
        assert before == [], f"{path.relative_to(site)}: the policy comes after {before}"


def test_the_headers_file_keeps_the_full_policy_with_what_a_meta_cannot_carry(site, settings):
    served = (site / "_headers").read_text(encoding="utf-8")
    full = settings["SECURITY_HEADERS"]["Content-Security-Policy"]
    assert f"Content-Security-Policy: {full}" in served and "frame-ancestors 'none'" in full
    assert "X-Frame-Options: DENY" in served and "Strict-Transport-Security" in served


def _without_the_policy(theme):
    base = theme / "templates" / "base.html"
    base.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', "", base.read_text(encoding="utf-8")),
                    encoding="utf-8")


def _policy_after_the_stylesheet(theme):
    base = theme / "templates" / "base.html"
    text = base.read_text(encoding="utf-8")
    meta = re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', text).group(0)
    text = text.replace(meta, "").replace('type="image/svg+xml">\n', 'type="image/svg+xml">\n' + meta)
    base.write_text(text, encoding="utf-8")


def _another_policy(theme):
    base = theme / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("{{ content_security_policy() }}", "default-src *"),
                    encoding="utf-8")


@pytest.mark.parametrize("breakage", [_without_the_policy, _policy_after_the_stylesheet, _another_policy],
                         ids=["missing", "after-the-stylesheet", "another-policy"])
def test_the_audit_refuses_a_page_without_its_meta_policy(fixture_site, theme_copy, breakage):
    breakage(theme_copy)
    result = fixture_site({"articles/fixture.md": GOOD_ARTICLE}, theme=theme_copy)
    assert result.returncode == 1
    for page in ("index.html", "articles/fixture-article/index.html", "search/index.html", "404.html"):
        assert any(re.match(rf"^{re.escape(page)}:\d+: csp-missing: \S.*; \S", line) for line in result.lines), result.stderr
    assert not result.output.exists()
