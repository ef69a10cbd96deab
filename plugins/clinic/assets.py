"""Production delivery of the built site: content-hashed asset URLs, minified HTML and CSS, and
gzip/brotli copies beside each text file for hosts that serve them as they are.

Minifying and pre-compressing are switched on in publishconf.py only (MINIFY_OUTPUT, PRECOMPRESS_OUTPUT),
so a development build stays readable; hashed asset URLs are on everywhere, because the host and
`clinic.serve` give /theme/ a year-long cache lifetime and an unversioned URL would then go stale. Minify and precompress are post-build steps (clinic.build), in that
order and after the search index, so the compressed copies are of the final bytes.
"""

from __future__ import annotations

import hashlib
import re
import types
from functools import lru_cache
from pathlib import Path

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


UNVERSIONED = re.compile(r"""\b(?:href|src)\s*=\s*["']?(/theme/[^"'\s>?]+)(?=["'\s>])""")


def check_asset_urls(output: Path, settings: dict) -> list[Problem]:
    """Post-build step: no page links a theme file without its hash, since /theme/ is cached for a year."""
    problems = []
    static_dir = settings.get("THEME_STATIC_DIR", "theme")
    pattern = re.compile(UNVERSIONED.pattern.replace("/theme/", f"/{re.escape(static_dir)}/"))
    for path in sorted(Path(output).rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            problems.append(Problem(path.relative_to(output).as_posix(), text.count("\n", 0, match.start()) + 1,
                                    "asset-unversioned", f"{match.group(1)} is linked without its content hash",
                                    f"write {{{{ asset('{match.group(1).split('/', 2)[2]}') }}}} in the template"))
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


def minify_output(output: Path, settings: dict) -> list[Problem]:
    """Post-build step: minify every HTML and CSS file in place (production only)."""
    if not settings.get("MINIFY_OUTPUT"):
        return []
    problems = []
    for path in sorted(Path(output).rglob("*")):
        minifier = {".html": minify_html, ".css": minify_css}.get(path.suffix)
        if minifier is None or not path.is_file():
            continue
        try:
            path.write_text(minifier(path.read_text(encoding="utf-8")), encoding="utf-8")
        except (UnicodeDecodeError, ValueError) as error:
            problems.append(Problem(path.relative_to(output).as_posix(), 1, "minify-failed", str(error),
                                    "fix the markup the minifier could not read, or report it to the perf owner"))
    return problems


# --- pre-compression -----------------------------------------------------------------------------------

def precompress_output(output: Path, settings: dict) -> list[Problem]:
    """Post-build step: a .gz and a .br copy beside each text file, with pelican-precompress.

    pelican-precompress normally runs on Pelican's own `finalized` signal, which comes before our
    post-build steps (search index, minify); calling it here compresses the final bytes instead.
    Its gzip has no timestamp and brotli has none, so two builds give identical files.
    """
    if not settings.get("PRECOMPRESS_OUTPUT"):
        return []
    from pelican.plugins import precompress

    precompress.compress_files(types.SimpleNamespace(settings={**settings, "OUTPUT_PATH": str(output)}))
    missing = [path for path in Path(output).rglob("*.html") if not path.with_name(path.name + ".gz").exists()]
    return [Problem(path.relative_to(output).as_posix(), 1, "precompress-failed",
                    "no .gz copy was written beside this page", "check the build log; pelican-precompress failed")
            for path in sorted(missing) if path.stat().st_size >= settings.get("PRECOMPRESS_MIN_SIZE", 20)]
