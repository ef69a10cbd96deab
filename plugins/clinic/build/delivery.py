"""Production delivery of the built site: content-hashed asset URLs, minified HTML and CSS, and
gzip/brotli copies beside each text file for hosts that serve them as they are.

Minifying and pre-compressing are switched on in publishconf.py only (MINIFY_OUTPUT, PRECOMPRESS_OUTPUT),
so a development build stays readable; hashed asset URLs are on everywhere, because the host and
`clinic.release.serve` give /theme/ a year-long cache lifetime and an unversioned URL would then go stale. Minify and precompress are post-build steps (clinic.build.runner), in that
order and after the search index, so the compressed copies are of the final bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from clinic.problems import Problem

STYLE_OPEN, STYLE_CLOSE = "<style>", "</style>"
# Reader-facing HTML must stay valid and testable: keep closing tags and the <html>/<head> start tags
# (lang lives there), leave the doctype and scripts (JSON-LD, search.js modules) exactly as written.
HTML_OPTIONS = {"keep_closing_tags": True, "keep_html_and_head_opening_tags": True, "minify_css": True}


# --- content-hashed asset URLs ------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _digest(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def asset_url(path: str, settings: dict) -> str:
    """`/theme/<path>?v=<sha256[:10]>` of the file, so the host may cache it for a year (CACHE_HEADERS).

    The hash is of the theme's source file: it changes exactly when the file does (minifying is
    deterministic), so a new stylesheet gets a new URL and no reader keeps the old one.
    """
    url = f"/{settings.get('THEME_STATIC_DIR', 'theme')}/{path.lstrip('/')}"
    source = Path(settings["THEME"]) / "static" / path.lstrip("/")
    if not source.is_file():
        raise FileNotFoundError(f"asset('{path}'): no such file in {Path(settings['THEME']) / 'static'}")
    return f"{url}?v={_digest(source, source.stat().st_mtime_ns)}"


def add_asset_global(generator) -> None:
    """Templates write `{{ asset('css/site.css') }}` instead of a bare /theme/ path."""
    generator.env.globals["asset"] = lambda path: asset_url(path, generator.settings)


# A theme path in an href or src without its ?v= hash. The path comes first in the pattern, so the regex
# engine scans for its literal start (20 times faster over 1,000 articles than leading with the attribute);
# the attribute is then checked just before it.
UNVERSIONED_PATH = r"""/theme/[^"'\s>?]+(?=["'\s>])"""
LINKING_ATTRIBUTE = re.compile(r"""\b(?:href|src)\s*=\s*["']?$""", re.IGNORECASE)


def check_asset_urls(output: Path, settings: dict) -> list[Problem]:
    """Post-build step: no page links a theme file without its hash, since /theme/ is cached for a year."""
    problems = []
    static_dir = settings.get("THEME_STATIC_DIR", "theme")
    pattern = re.compile(UNVERSIONED_PATH.replace("/theme/", f"/{re.escape(static_dir)}/"))
    for path in sorted(Path(output).rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            if not LINKING_ATTRIBUTE.search(text, max(0, match.start() - 200), match.start()):
                continue
            problems.append(Problem(path.relative_to(output).as_posix(), text.count("\n", 0, match.start()) + 1,
                                    "asset-unversioned", f"{match.group(0)} is linked without its content hash",
                                    f"write {{{{ asset('{match.group(0).split('/', 2)[2]}') }}}} in the template"))
    return problems


# --- minification ------------------------------------------------------------------------------------

def minify_html(text: str) -> str:
    import minify_html as minifier

    return minifier.minify(text, **HTML_OPTIONS)


def minify_css(text: str) -> str:
    import minify_html as minifier

    # minify-html minifies CSS only inside a <style> element; wrap the file in one and unwrap it.
    wrapped = minifier.minify(STYLE_OPEN + text + STYLE_CLOSE, minify_css=True)
    if not (wrapped.startswith(STYLE_OPEN) and wrapped.endswith(STYLE_CLOSE)):
        return text
    return wrapped[len(STYLE_OPEN):-len(STYLE_CLOSE)]


MINIFIERS = {".html": minify_html, ".css": minify_css}


def minify_output(output: Path, settings: dict) -> list[Problem]:
    """Post-build step: minify in place every HTML and CSS file (production only), in worker processes:
    minify-html holds the GIL, and a full build has about 2,000 pages."""
    if not settings.get("MINIFY_OUTPUT"):
        return []
    files = [(str(path), path.relative_to(output).as_posix()) for path in sorted(Path(output).rglob("*"))
             if path.suffix in MINIFIERS and path.is_file()]
    if len(files) < 200:
        return [p for p in map(minify_file, files) if p is not None]
    with ProcessPoolExecutor() as pool:
        return [p for p in pool.map(minify_file, files, chunksize=64) if p is not None]


def minify_file(file: tuple[str, str]) -> Problem | None:
    path, rel = Path(file[0]), file[1]
    try:
        path.write_text(MINIFIERS[path.suffix](path.read_text(encoding="utf-8")), encoding="utf-8")
    except (UnicodeDecodeError, ValueError) as error:
        return Problem(rel, 1, "minify-failed", str(error),
                       "fix the markup the minifier could not read, or report it to the perf owner")
    return None


# --- pre-compression -----------------------------------------------------------------------------------

TEXT_SUFFIXES = {".atom", ".css", ".html", ".js", ".json", ".rss", ".svg", ".txt", ".xml"}


def compress(data: bytes, brotli_quality: int) -> dict[str, bytes]:
    """The .gz and .br copies of `data` that are smaller than it; no timestamps, so builds are reproducible."""
    import gzip

    import brotli

    copies = {".gz": gzip.compress(data, 9, mtime=0), ".br": brotli.compress(data, quality=brotli_quality)}
    return {suffix: blob for suffix, blob in copies.items() if len(blob) < len(data)}


def precompress_output(output: Path, settings: dict, *, skip: tuple[str, ...] = ()) -> list[Problem]:
    """Post-build step: a .gz and a .br copy beside each text file, for hosts that serve them as they are.

    Not pelican-precompress: it runs on Pelican's `finalized` signal, before our post-build steps
    (search index, minify), and always uses brotli quality 11, which took minutes on 1,000 articles
    (about 4 s per MB here) when the rest of the build takes seconds. Theme files, cached for a year,
    get quality 11; pages and feeds PRECOMPRESS_BROTLI_QUALITY (5: about 15 % larger, 50 times faster).
    Folders in `skip` (relative to `output`) are left alone: the build writes the search index while
    this runs, and compresses it with precompress_folder.
    """
    if not settings.get("PRECOMPRESS_OUTPUT"):
        return []
    output = Path(output)
    theme_dir = settings.get("THEME_STATIC_DIR", "theme")
    skipped = [output / folder for folder in skip]
    files = [path for path in _text_files(output) if not any(path.is_relative_to(folder) for folder in skipped)]
    _precompress(files, lambda path: 11 if path.relative_to(output).parts[0] == theme_dir else page_quality(settings))
    return []


def precompress_folder(folder: Path, settings: dict) -> list[Problem]:
    """The copies for the text files of one folder (the search index)."""
    if settings.get("PRECOMPRESS_OUTPUT"):
        _precompress(_text_files(Path(folder)), lambda path: page_quality(settings))
    return []


def page_quality(settings: dict) -> int:
    return int(settings.get("PRECOMPRESS_BROTLI_QUALITY", 5))


def _text_files(folder: Path) -> list[Path]:
    return [path for path in sorted(folder.rglob("*")) if path.suffix in TEXT_SUFFIXES and path.is_file()]


def _precompress(files: list[Path], quality) -> None:
    """Copies for each file at quality(file). zlib and brotli let go of the GIL while they compress, so
    threads use every core."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(lambda path: precompress_file(path, quality(path)), files))


def precompress_file(path: Path, quality: int) -> None:
    """Write the copies beside `path`."""
    for suffix, blob in compress(path.read_bytes(), quality).items():
        path.with_name(path.name + suffix).write_bytes(blob)
