"""Production delivery of the built site: content-hashed asset URLs, minified HTML and CSS, and
gzip/brotli copies beside each text file for hosts that serve them as they are.

Minifying and pre-compressing are switched on in publishconf.py only (MINIFY_OUTPUT, PRECOMPRESS_OUTPUT),
so a development build stays readable; hashed asset URLs are on everywhere, because the host and
`clinic.serve` give /theme/ a year-long cache lifetime and an unversioned URL would then go stale. Minify and precompress are post-build steps (clinic.build), in that
order and after the search index, so the compressed copies are of the final bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from . import output_stream
from .problems import Problem

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
    """Post-build step: minify in place every HTML and CSS file the output stream did not (production only)."""
    if not settings.get("MINIFY_OUTPUT"):
        return []
    done = output_stream.streamed(output)
    problems = list(done.problems)
    for path in sorted(Path(output).rglob("*")):
        rel = path.relative_to(output).as_posix()
        if path.suffix in MINIFIERS and rel not in done.minified and path.is_file():
            problem = minify_file(path, rel)
            problems += [problem] if problem is not None else []
    return problems


def minify_file(path: Path, rel: str) -> Problem | None:
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
    With the content cache on (incremental builds) the copies are kept by content hash in CACHE_PATH
    and hard-linked into the output. Folders in `skip` (relative to `output`) are left alone: the build
    writes the search index while this runs, and compresses it with precompress_folder. Pages and feeds
    the output stream already compressed (output_stream.py) are left alone too.
    """
    if not settings.get("PRECOMPRESS_OUTPUT"):
        return []
    output = Path(output)
    store = precompress_store(settings)
    theme_dir = settings.get("THEME_STATIC_DIR", "theme")
    done = output_stream.streamed(output)
    skipped = [output / folder for folder in skip]
    files = [path for path in _text_files(output) if path.relative_to(output).as_posix() not in done.compressed
             and not any(path.is_relative_to(folder) for folder in skipped)]
    used = done.store_keys | _precompress(files, lambda path: 11 if path.relative_to(output).parts[0] == theme_dir
                                          else page_quality(settings), store)
    if store is not None:
        for entry in store.iterdir():
            if entry.name not in used:
                shutil.rmtree(entry, ignore_errors=True)
    return []


def precompress_folder(folder: Path, settings: dict) -> list[Problem]:
    """The copies for the text files of one folder, without the store (for the search index, which
    changes with every page anyway)."""
    if settings.get("PRECOMPRESS_OUTPUT"):
        _precompress(_text_files(Path(folder)), lambda path: page_quality(settings), None)
    return []


def page_quality(settings: dict) -> int:
    return int(settings.get("PRECOMPRESS_BROTLI_QUALITY", 5))


def precompress_store(settings: dict) -> Path | None:
    """Where incremental builds (the content cache on) keep compressed copies by content hash."""
    return Path(settings["CACHE_PATH"]) / "precompressed" if settings.get("CACHE_CONTENT") else None


def _text_files(folder: Path) -> list[Path]:
    return [path for path in sorted(folder.rglob("*")) if path.suffix in TEXT_SUFFIXES and path.is_file()]


def _precompress(files: list[Path], quality, store: Path | None) -> set:
    """Copies for each file at quality(file); the store keys used. zlib and brotli let go of the GIL
    while they compress, so threads use every core."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return set(pool.map(lambda path: precompress_file(path, quality(path), store), files))


def precompress_file(path: Path, quality: int, store: Path | None) -> str:
    """Write the copies beside `path`; returns the store key it used (None without a store)."""
    data = path.read_bytes()
    key = f"{hashlib.sha256(data).hexdigest()}-{quality}" if store is not None else None
    if store is not None and _link_stored(store / key, path):
        return key
    copies = compress(data, quality)
    if store is not None:
        _store(store / key, copies)
    for suffix, blob in copies.items():
        path.with_name(path.name + suffix).write_bytes(blob)
    return key


def _link_stored(entry: Path, path: Path) -> bool:
    """Hard-link the stored copies beside `path`, reading and writing no bytes (a quarter of the step's
    time in a one-article rebuild). This is the last step, so nothing writes into them through the link."""
    try:
        suffixes = [p.name for p in entry.iterdir()]
        for suffix in suffixes:
            os.link(entry / suffix, path.with_name(path.name + suffix))
        return True
    except OSError:  # not stored, pruned by another build meanwhile, or another file system: compress again
        for suffix in (".gz", ".br"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return False


def _store(entry: Path, copies: dict[str, bytes]) -> None:
    temporary = entry.with_name(f".{entry.name}.{os.getpid()}")
    temporary.mkdir(parents=True, exist_ok=True)
    for suffix, blob in copies.items():
        (temporary / suffix).write_bytes(blob)
    try:
        os.replace(temporary, entry)
    except OSError:  # the same content was stored by another build meanwhile
        shutil.rmtree(temporary, ignore_errors=True)
