"""Lighthouse (mobile) on every page type of a fresh production build; fails if an indexable page is under 100.

    python benchmarks/lighthouse.py LIGHTHOUSE_DIR [--site OUTPUT] [--all]

LIGHTHOUSE_DIR is a folder where `npm install lighthouse` was run (kept out of the repo: too heavy for CI,
which does not run this). Without --site it builds the site with publishconf.py first; it serves the build
the way `invoke serve` does (the hosts' headers) and runs Lighthouse through npx on one page of each type
from the sitemap (--all: every page in it), then the search page, empty and with a query, which is noindex
and so only reported.
The browser: CHROME_PATH, else the Chromium the browser tests use.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
NOINDEX = ["search/", "search/?q=pain"]  # the second as the header's search box sends readers there


def page_paths(site: Path, every: bool) -> list[str]:
    """Site paths from the sitemap: one per type (the first of articles/, category/, tag/, author/; each
    other page is its own template), or every one."""
    paths = [urlsplit(loc).path.lstrip("/") for loc in
             re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8"))]
    if every:
        return paths
    kinds: dict[str, str] = {}
    for path in paths:
        kinds.setdefault(path.split("/")[0] if path.count("/") > 1 else path, path)
    return list(kinds.values())


def scores(lighthouse_dir: Path, url: str, chrome: str | None, attempts: int = 3) -> tuple[dict[str, int], list[str]]:
    """Each category's score (0-100) and, in a category under 100, the scored audits that fell short.
    A run whose trace failed (Lighthouse's NO_NAVSTART and the like, on a busy machine) is tried again."""
    env = dict(os.environ, **({"CHROME_PATH": chrome} if chrome else {}))
    for _ in range(attempts):
        with tempfile.TemporaryDirectory(prefix="clinic-lh-") as tmp:
            report = Path(tmp) / "report.json"
            subprocess.run(["npx", "--no-install", "lighthouse", url, "--quiet", f"--chrome-flags={CHROME_FLAGS}",
                            f"--only-categories={','.join(CATEGORIES)}", "--output=json",
                            f"--output-path={report}"], cwd=lighthouse_dir, env=env, capture_output=True)
            result = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else None
        if result and not result.get("runtimeError"):
            break
    else:
        return {}, [(result or {}).get("runtimeError", {}).get("message", "Lighthouse did not run")]
    found = {name: round((result["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}
    short = [f"{name}: {ref['id']} {audit.get('displayValue', '')}".rstrip()
             for name in CATEGORIES if found[name] < 100 for ref in result["categories"][name]["auditRefs"]
             if ref["weight"] and (audit := result["audits"][ref["id"]])["score"] is not None and audit["score"] < 1]
    return found, short


def run(site: Path, lighthouse_dir: Path, every: bool) -> int:
    sys.path[:0] = [str(ROOT / "plugins"), str(ROOT / "tests")]
    from clinic.settings import load_settings
    from chromium import find_chromium
    from clinic.headers import by_path
    from clinic.release.serve import make_server

    settings = load_settings(ROOT / "publishconf.py")
    server = make_server(site, "127.0.0.1", 0, settings["SECURITY_HEADERS"], by_path(settings))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    chrome = os.environ.get("CHROME_PATH") or find_chromium()
    failed = False
    print(f"{'page':45} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}")
    try:
        for path in page_paths(site, every) + NOINDEX:
            found, short = scores(lighthouse_dir, base + path, chrome)
            row = " ".join(f"{found.get(name, '-'):>5}" for name in CATEGORIES)
            held = path not in NOINDEX
            print(f"/{path:44} {row}{'' if held else '   (noindex: not held to 100)'}", flush=True)
            for line in short:
                print(f"    {line}")
            failed |= held and (len(found) < len(CATEGORIES) or min(found.values()) < 100)
    finally:
        server.shutdown()
    return 1 if failed else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lighthouse_dir", type=Path, help="a folder where `npm install lighthouse` was run")
    parser.add_argument("--site", type=Path, help="a production build to check (default: build one now)")
    parser.add_argument("--all", action="store_true", help="every page in the sitemap, not one of each type")
    args = parser.parse_args(argv)
    if args.site:
        return run(args.site, args.lighthouse_dir, args.all)
    sys.path[:0] = [str(ROOT / "plugins"), str(ROOT / "tests")]
    from clinic.build.runner import build

    with tempfile.TemporaryDirectory(prefix="clinic-lighthouse-") as tmp:
        output = Path(tmp) / "output"
        code = build(ROOT / "publishconf.py", output, overrides={"CACHE_PATH": str(Path(tmp) / "cache")})
        return code or run(output, args.lighthouse_dir, args.all)


if __name__ == "__main__":
    sys.exit(main())
