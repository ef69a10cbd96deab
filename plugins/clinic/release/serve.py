"""Serve a built site on a local address, the way a static host would (clean URLs, the 404 page)."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    # Response headers added to every reply (the site's SECURITY_HEADERS when the server is asked to),
    # and {path prefix: headers} sent instead under a folder (the editor at /admin/: headers.by_path).
    extra_headers: dict[str, str] = {}
    path_headers: dict[str, dict[str, str]] = {}

    def end_headers(self):
        path = self.path.split("?", 1)[0]
        prefix = max((p for p in self.path_headers if path.startswith(p) or path == p.rstrip("/")), key=len, default=None)
        for name, value in (self.path_headers[prefix] if prefix else self.extra_headers).items():
            self.send_header(name, value)
        super().end_headers()

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def make_server(root: Path, host: str = "127.0.0.1", port: int = 0, headers: dict[str, str] | None = None,
                path_headers: dict[str, dict[str, str]] | None = None) -> http.server.ThreadingHTTPServer:
    """A static server for `root`; `headers` (e.g. settings["SECURITY_HEADERS"]) go on every response,
    so a browser loads the pages under the Content-Security-Policy the hosts send; under a prefix of
    `path_headers` (headers.by_path(settings)), that prefix's headers instead."""
    handler_class = type("Handler", (SiteHandler,), {"extra_headers": dict(headers or {}),
                                                     "path_headers": dict(path_headers or {})})
    handler = functools.partial(handler_class, directory=str(root))
    return http.server.ThreadingHTTPServer((host, port), handler)


def serve_forever(root: Path, host: str, port: int, headers: dict[str, str] | None = None,
                  path_headers: dict[str, dict[str, str]] | None = None) -> None:
    server = make_server(root, host, port, headers, path_headers)
    print(f"Serving {root} at http://{host}:{server.server_address[1]}/ (Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
