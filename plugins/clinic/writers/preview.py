"""`invoke livereload`: rebuild on every save, reload the browser, and when a save breaks the build show
its problems over the page the writer is looking at, until the next good build clears them.

python-livereload serves the WSGI app it is given (`Server(app)`) and adds its reload script to each HTML
reply. This app serves the output folder as the static hosts do (clean URLs, the 404 page) and, while the
last rebuild failed, adds the problem panel and its stylesheet to every page it sends. The panel exists
only in this development server's replies: nothing here is written to the output, so no build, and no
published page, ever carries it (tests/test_preview.py holds that).
"""

from __future__ import annotations

import html
import mimetypes
import re
import sys
from pathlib import Path
from urllib.parse import unquote

from clinic.problems import Problem, collected

# Served by this app alone, from beside this file; never part of the site.
STYLESHEET_URL = "/__preview__/problems.css"
STYLESHEET = Path(__file__).with_name("preview.css")
PANEL_ID = "preview-problems"
BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
HEAD_CLOSE = re.compile(rb"</head\s*>", re.IGNORECASE)
# python-livereload reloads the page with an inline script, which the page's own policy (the meta tag every
# page carries) blocks: the preview serves pages without that tag, as it never sent the policy header.
# `invoke serve`, `invoke preview` and the browser tests keep it.
POLICY_META = re.compile(rb"<meta\s+http-equiv=[\"']?content-security-policy[\"']?[^>]*>", re.IGNORECASE)
# livereload ignores a reload within DEFAULT_RELOAD_TIME seconds of the last (3 by default), so a quick
# second save would leave the page stale; a rebuild takes well under a second, so 1 s still merges the
# files of one save.
RELOAD_TIME = 1


class PreviewApp:
    """WSGI: the built site from `root`, with `problems` (set after each rebuild) shown on every page."""

    def __init__(self, root):
        self.root = Path(root)
        self.problems: list[Problem] = []

    def __call__(self, environ, start_response):
        path = unquote(environ.get("PATH_INFO") or "/")
        if path == STYLESHEET_URL:
            return self._reply(start_response, "200 OK", "text/css; charset=utf-8", STYLESHEET.read_bytes())
        found = self._file(path)
        if found == "redirect":
            start_response("301 Moved Permanently", [("Location", path + "/"), ("Content-Length", "0")])
            return [b""]
        if found is None:
            page = self.root / "404.html"
            body = page.read_bytes() if page.is_file() else b"<!doctype html><title>Not built yet</title><body></body>"
            return self._reply(start_response, "404 Not Found", "text/html; charset=utf-8", self._shown(body))
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        body = found.read_bytes()
        if kind == "text/html":
            kind, body = "text/html; charset=utf-8", self._shown(body)
        return self._reply(start_response, "200 OK", kind, body)

    def _file(self, path: str):
        """The file a path names (a folder is its index.html), "redirect" for a folder without its slash."""
        root = self.root.resolve()
        candidate = (root / path.lstrip("/")).resolve()
        if candidate != root and root not in candidate.parents:
            return None
        if candidate.is_dir():
            if not path.endswith("/"):
                return "redirect" if (candidate / "index.html").is_file() else None
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    @staticmethod
    def _reply(start_response, status: str, kind: str, body: bytes):
        # No caching: a page must show the build it came from, panel or not, on every reload.
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store")])
        return [body]

    def _shown(self, page: bytes) -> bytes:
        page = POLICY_META.sub(b"", page, count=1)
        if not self.problems:
            return page
        link = f'<link rel="stylesheet" href="{STYLESHEET_URL}">'.encode()
        page = HEAD_CLOSE.sub(lambda m: link + m.group(0), page, count=1) if HEAD_CLOSE.search(page) else link + page
        opening = BODY_OPEN.search(page)
        at = opening.end() if opening else 0
        return page[:at] + panel(self.problems).encode("utf-8") + page[at:]


def panel(problems: list[Problem]) -> str:
    """The problems as the terminal lists them, one item each: where, the rule, what is wrong, the fix."""
    items = []
    for problem in problems:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        items.append(f'<li><code class="preview-where">{html.escape(where)}</code> '
                     f'<strong class="preview-rule">{html.escape(problem.rule)}</strong> '
                     f'<span class="preview-what">{html.escape(problem.message)};</span> '
                     f'<span class="preview-fix">{html.escape(problem.fix)}</span></li>')
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return (f'<aside id="{PANEL_ID}" role="alert" aria-labelledby="{PANEL_ID}-title">'
            f'<h2 id="{PANEL_ID}-title">The preview was not updated: {count}</h2>'
            f'<ol>{"".join(items)}</ol>'
            "<p>This page is the last good build. Fix each line, save, and this box goes away.</p></aside>")


def rebuilder(app: PreviewApp, settings_file, output, overrides: dict | None = None):
    """The task livereload runs on each save: rebuild, and give the app the problems (none after a good build)."""
    from clinic.build.runner import live_rebuild
    from clinic.settings import load_settings
    from clinic.writers.cms_admin import write_build_status

    settings = load_settings(settings_file)

    def rebuild():
        with collected() as found:
            failed = live_rebuild(settings_file, output, overrides)
        if failed and not found:
            found = [Problem(str(settings_file), 0, "build-error", "the build failed", "see the terminal")]
        app.problems = found if failed else []
        # The editor at /admin/ is a script of its own: it reads the same problems from a file beside it.
        write_build_status(output, settings, [f"{problem}\n" for problem in app.problems], bool(failed))
        if failed:
            print("The preview was not updated: fix the problems above, then save again.", file=sys.stderr, flush=True)

    return rebuild


def serve_live(settings_file, output, host: str, port: int, watched, overrides: dict | None = None) -> None:
    """Build, serve `output` at host:port, and rebuild whenever a file under `watched` changes."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler

    LiveReloadHandler.DEFAULT_RELOAD_TIME = RELOAD_TIME
    app = PreviewApp(output)
    rebuild = rebuilder(app, settings_file, output, overrides)
    rebuild()
    server = Server(app)
    for path in watched:
        server.watch(str(path), rebuild)
    print(f"Live preview at http://{host}:{port}/ (rebuilds on save; Ctrl+C stops); "
          f"the editor at http://{host}:{port}/admin/", flush=True)
    # debug=False: with a WSGI app livereload would otherwise restart the process when a module changes.
    server.serve(host=host, port=port, debug=False)
