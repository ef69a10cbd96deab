"""What a reader's first visit to each kind of page costs: bytes transferred and requests made.

    python benchmarks/weight.py [OUTPUT]     (without OUTPUT it builds the site with publishconf.py first)

For each page type it takes the heaviest page of that type, follows what the HTML loads (stylesheets,
scripts, module imports, images, icons, CSS url()s) and sums the bytes raw, gzip-compressed and
brotli-compressed. A first visit has an empty cache, so every resource counts once per page.
The budget the tests hold an article page to: under 30 KB with gzip (the encoding every client takes)
and under 5 requests.
"""

from __future__ import annotations

import fnmatch
import gzip
import posixpath
import re
import sys
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
BUDGET_BYTES = 30 * 1024
BUDGET_REQUESTS = 5
# What Pagefind's init() fetches once its script is imported (its entry file, metadata and wasm).
PAGEFIND_INIT = ("pagefind-entry.json", "pagefind.*.pf_meta", "wasm.*.pagefind")

PAGE_TYPES = {
    "home": ["index.html"],
    "article": ["articles/*/index.html"],
    "article with affiliate links": ["articles/*/index.html"],
    "category": ["category/*/index.html"],
    "tag": ["tag/*/index.html"],
    "archives": ["archives/index.html"],
    "static page": ["*/index.html"],
    "search": ["search/index.html"],
    "404": ["404.html"],
}
NOT_STATIC_PAGES = ("articles/", "category/", "tag/", "author/", "archives/", "search/", "categories/", "tags/",
                    "authors/", "drafts/", "index.html")


class _Loads(HTMLParser):
    """Collects the URLs an HTML page makes the browser fetch on load."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []
        self.affiliate = False

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        rel = set(attrs.get("rel", "").lower().split())
        if tag == "link" and rel & {"stylesheet", "icon", "apple-touch-icon", "preload", "modulepreload",
                                    "manifest"}:
            self.urls.append(("css" if "stylesheet" in rel else "other", attrs.get("href", "")))
        elif tag == "script" and attrs.get("src"):
            self.urls.append(("js", attrs["src"]))
        elif tag in ("img", "iframe", "video", "audio", "source", "embed") and attrs.get("src"):
            self.urls.append(("img" if tag == "img" else "other", attrs["src"]))
        elif tag == "object" and attrs.get("data"):
            self.urls.append(("other", attrs["data"]))
        if tag == "a" and "sponsored" in rel:
            self.affiliate = True


def loads_of(html: str) -> tuple[list[tuple[str, str]], bool]:
    """(kind, url) for everything the page loads, and whether it carries affiliate links."""
    parser = _Loads()
    parser.feed(html)
    parser.close()
    return parser.urls, parser.affiliate


def css_loads(css: str) -> list[str]:
    return [m.strip("'\" ") for m in re.findall(r"url\(([^)]+)\)", css) + re.findall(r"@import\s+['\"]([^'\"]+)", css)
            if not m.strip("'\" ").startswith("data:")]


def js_loads(js: str) -> list[str]:
    return re.findall(r"""(?:\bimport\s*\(\s*|\bfrom\s*|\bimport\s+)["']([^"']+)["']""", js)


def is_external(url: str) -> bool:
    return "://" in url or url.startswith("//")


def resolve(output: Path, base_rel: str, url: str) -> Path:
    """The built file a URL found in `base_rel` (a path inside output) is served from."""
    url = url.split("#", 1)[0].split("?", 1)[0]
    path = url if url.startswith("/") else posixpath.join(posixpath.dirname("/" + base_rel), url)
    path = posixpath.normpath(path).lstrip("/")
    target = output / path
    return target / "index.html" if target.is_dir() or url.endswith("/") else target


def compressed_sizes(data: bytes, path: Path | None = None) -> tuple[int, int]:
    """gzip and brotli bytes on the wire: the pre-compressed copies beside `path` when the build wrote
    them, else what a server compressing on the fly would send (gzip -9, brotli 5), never more than raw."""
    sizes = []
    for suffix, make in ((".gz", lambda: gzip.compress(data, 9, mtime=0)), (".br", lambda: brotli.compress(data, quality=5))):
        copy = path.with_name(path.name + suffix) if path is not None else None
        sizes.append(copy.stat().st_size if copy is not None and copy.is_file() else min(len(data), len(make())))
    return sizes[0], sizes[1]


@dataclass
class Weight:
    page: str
    requests: int = 0
    raw: int = 0
    gzip: int = 0
    brotli: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # gzip bytes per kind
    external: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def add(self, kind: str, data: bytes, path: Path | None = None) -> None:
        gz, br = compressed_sizes(data, path)
        self.requests += 1
        self.raw += len(data)
        self.gzip += gz
        self.brotli += br
        self.by_kind[kind] = self.by_kind.get(kind, 0) + gz


def page_weight(output: Path, rel: str, site_url: str = "") -> Weight:
    """Everything a first visit to `rel` transfers, following CSS url()s and JS module imports.

    URLs under `site_url` (the public address) are the site's own files.
    """
    output = Path(output)
    html = (output / rel).read_bytes()
    weight = Weight(rel)
    weight.add("html", html, output / rel)
    urls, _ = loads_of(html.decode("utf-8"))
    queue = [(kind, url, rel) for kind, url in urls]
    seen = set()
    while queue:
        kind, url, base = queue.pop(0)
        if site_url and url.startswith(site_url.rstrip("/") + "/"):
            url = url[len(site_url.rstrip("/")):]
        if is_external(url):
            weight.external.append(url)
            weight.requests += 1
            continue
        target = resolve(output, base, url)
        if target in seen:
            continue
        seen.add(target)
        if not target.is_file():
            weight.missing.append(url)
            weight.requests += 1  # the browser still asks for it
            continue
        data = target.read_bytes()
        weight.add(kind if kind != "other" else _kind_of(target), data, target)
        target_rel = target.relative_to(output).as_posix()
        if target.suffix == ".css":
            queue += [("img", u, target_rel) for u in css_loads(data.decode("utf-8", "replace"))]
        elif target.suffix in (".js", ".mjs"):
            queue += [("js", u, target_rel) for u in js_loads(data.decode("utf-8", "replace"))]
            if target.name == "pagefind.js":
                for pattern in PAGEFIND_INIT:
                    queue += [("other", "/" + p.relative_to(output).as_posix(), target_rel)
                              for p in sorted(target.parent.glob(pattern))[:1]]
    return weight


def _kind_of(path: Path) -> str:
    return {".css": "css", ".js": "js", ".mjs": "js"}.get(path.suffix, "img" if path.suffix in (
        ".svg", ".png", ".jpg", ".jpeg", ".webp", ".avif", ".gif", ".ico") else "other")


def pages_of_type(output: Path, page_type: str) -> list[str]:
    output = Path(output)
    found = []
    for pattern in PAGE_TYPES[page_type]:
        for path in sorted(output.glob(pattern)):
            rel = path.relative_to(output).as_posix()
            if page_type == "static page" and rel.startswith(NOT_STATIC_PAGES):
                continue
            if page_type.startswith("article"):
                has_affiliate = loads_of(path.read_text(encoding="utf-8"))[1]
                if has_affiliate != (page_type == "article with affiliate links"):
                    continue
            found.append(rel)
    return found


def heaviest(output: Path, page_type: str, site_url: str = "") -> Weight | None:
    weights = [page_weight(output, rel, site_url) for rel in pages_of_type(output, page_type)]
    return max(weights, key=lambda w: w.gzip, default=None)


def budget_problems(output: Path, site_url: str = "") -> list[str]:
    """Every article page over the budget, one line each."""
    problems = []
    for rel in sorted(fnmatch.filter((p.relative_to(output).as_posix() for p in Path(output).rglob("index.html")),
                                     "articles/*/index.html")):
        weight = page_weight(output, rel, site_url)
        if weight.gzip >= BUDGET_BYTES:
            problems.append(f"{rel}: {weight.gzip / 1024:.1f} KB with gzip, budget is under {BUDGET_BYTES // 1024} KB")
        if weight.requests >= BUDGET_REQUESTS:
            problems.append(f"{rel}: {weight.requests} requests, budget is under {BUDGET_REQUESTS}")
        if weight.external:
            problems.append(f"{rel}: loads from another origin: {', '.join(weight.external)}")
    return problems


def report(output: Path, site_url: str = "") -> list[str]:
    lines = ["page weight, first visit (heaviest page of each type; KB = 1,024 bytes)",
             f"  {'type':<29}{'requests':>8}{'raw KB':>9}{'gzip KB':>9}{'brotli KB':>10}   gzip by kind"]
    for page_type in PAGE_TYPES:
        weight = heaviest(output, page_type, site_url)
        if weight is None:
            lines.append(f"  {page_type:<29}{'(none built)':>8}")
            continue
        kinds = ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(weight.by_kind.items()))
        if weight.missing:
            kinds += f"; missing: {', '.join(weight.missing)}"
        lines.append(f"  {page_type:<29}{weight.requests:>8}{weight.raw / 1024:>9.1f}{weight.gzip / 1024:>9.1f}"
                     f"{weight.brotli / 1024:>10.1f}   {kinds}  ({weight.page})")
    problems = budget_problems(output, site_url)
    verdict = f"{len(problems)} over:" if problems else "met by every article"
    if not any(Path(output).glob("articles/*/index.html")):
        verdict = "no article pages to check"
    lines.append(f"  article budget (< {BUDGET_BYTES // 1024} KB gzip, < {BUDGET_REQUESTS} requests): {verdict}")
    lines += [f"    {problem}" for problem in problems]
    return lines


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    sys.path.insert(0, str(ROOT / "plugins"))
    from clinic.build.runner import build
    from clinic.settings import load_settings

    site_url = load_settings(ROOT / "publishconf.py")["SITE_PUBLIC_URL"]
    if argv:
        print("\n".join(report(Path(argv[0]), site_url)))
        return 0

    with tempfile.TemporaryDirectory(prefix="clinic-weight-") as tmp:
        output = Path(tmp) / "output"
        code = build(ROOT / "publishconf.py", output, overrides={"CACHE_PATH": str(Path(tmp) / "cache")})
        if code:
            return code
        print("\n".join(report(output, site_url)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
