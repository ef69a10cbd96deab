"""HTTP response headers for the hosts we document, all rendered from SECURITY_HEADERS and CACHE_HEADERS.

- every page's `<meta http-equiv="Content-Security-Policy">` (GitHub Pages sends no headers of ours):
  the policy less the directives a meta policy ignores, through the `content_security_policy()` global;
- `_headers` in the output root: Netlify and Cloudflare Pages read it (a post-build step writes it);
- docs/hosting/nginx.conf: an nginx server snippet (`python -m clinic.headers nginx > docs/hosting/nginx.conf`);
- clinic.release.serve sends the same headers when asked, so the browser tests run under the real policy.
"""

from __future__ import annotations

import sys
from pathlib import Path

from clinic.problems import Problem, setting_line

NGINX_HEADER = """\
# nginx: the clinic site's headers. Generated from SECURITY_HEADERS and CACHE_HEADERS in pelicanconf.py:
#   .venv/bin/python -m clinic.headers nginx > docs/hosting/nginx.conf
# Do not edit by hand; tests/test_safety.py fails when this file and the settings disagree.
# Include inside your `server { ... }` block; `root` is the deploy target's `current` symlink.
# nginx drops a server's add_header lines in any location that has its own, so every location repeats them.
"""


# Directives a policy delivered in <meta> ignores (CSP Level 3, 4.2 and 4.3): only a header carries them.
META_IGNORED = ("frame-ancestors", "report-uri", "report-to", "sandbox")


def security_headers(settings: dict) -> dict[str, str]:
    return dict(settings.get("SECURITY_HEADERS", {}))


def meta_policy(settings: dict) -> str:
    """The Content-Security-Policy of SECURITY_HEADERS as a <meta> tag can carry it."""
    policy = security_headers(settings).get("Content-Security-Policy", "")
    directives = [part.strip() for part in policy.split(";") if part.strip()]
    return "; ".join(d for d in directives if d.split()[0].lower() not in META_IGNORED)


def admin_headers(settings: dict) -> dict[str, str]:
    """What /admin/ (the writers' editor) gets instead: its own policy, and no search engine indexing."""
    return {**security_headers(settings), "Content-Security-Policy": settings["CMS_CONTENT_SECURITY_POLICY"],
            "X-Robots-Tag": "noindex, nofollow"}


def by_path(settings: dict) -> dict[str, dict[str, str]]:
    """{path prefix: headers} where a folder's headers replace the site-wide ones (clinic.release.serve)."""
    admin = settings.get("CMS_ADMIN_PATH")
    return {f"/{admin.strip('/')}/": admin_headers(settings)} if admin else {}


def render_headers_file(settings: dict) -> str:
    """Netlify / Cloudflare Pages `_headers`: every path gets the security headers, hashed paths a long cache,
    /admin/ its own policy. Netlify serves a later, more specific rule's value of a header in place of the
    site-wide one; Cloudflare Pages sends both unless told (docs/hosting/README.md)."""
    lines = ["/*"] + [f"  {name}: {value}" for name, value in security_headers(settings).items()]
    for prefix, headers in by_path(settings).items():
        lines += [prefix + "*", f"  Content-Security-Policy: {headers['Content-Security-Policy']}",
                  f"  X-Robots-Tag: {headers['X-Robots-Tag']}"]
    for pattern, value in settings.get("CACHE_HEADERS", {}).items():
        lines += [pattern, f"  Cache-Control: {value}"]
    return "\n".join(lines) + "\n"


def _nginx_add(headers: dict[str, str], indent: str = "    ") -> list[str]:
    return [f'{indent}add_header {name} "{value}" always;' for name, value in headers.items()]


def _nginx_location(pattern: str) -> str:
    if pattern.endswith("/*"):
        return "^~ " + pattern[:-1]
    if "*" in pattern:
        raise ValueError(f"CACHE_HEADERS pattern {pattern!r}: only exact paths and 'prefix/*' are supported")
    return "= " + pattern


def render_nginx(settings: dict) -> str:
    security = security_headers(settings)
    lines = [NGINX_HEADER, "error_page 404 /404.html;", "", "location / {",
             "    try_files $uri $uri/ =404;", *_nginx_add(security), "}"]
    for prefix, headers in by_path(settings).items():
        lines += ["", f"location ^~ {prefix} {{", "    try_files $uri $uri/ =404;", *_nginx_add(headers), "}"]
    for pattern, value in settings.get("CACHE_HEADERS", {}).items():
        lines += ["", f"location {_nginx_location(pattern)} {{", *_nginx_add(security),
                  *_nginx_add({"Cache-Control": value}), "}"]
    return "\n".join(lines) + "\n"


def write_headers_file(output: Path, settings: dict) -> list[Problem]:
    """Post-build step: the `_headers` file in the output root."""
    if not settings.get("SECURITY_HEADERS"):
        return [Problem(*setting_line("SECURITY_HEADERS"), "security-headers-missing", "SECURITY_HEADERS is empty",
                        "restore the security headers block in pelicanconf.py")]
    (Path(output) / "_headers").write_text(render_headers_file(settings), encoding="utf-8")
    return []


def main(argv=None) -> int:
    from clinic.settings import load_settings

    argv = sys.argv[1:] if argv is None else argv
    kind = argv[0] if argv else "nginx"
    settings = load_settings(argv[1] if len(argv) > 1 else "pelicanconf.py")
    sys.stdout.write(render_nginx(settings) if kind == "nginx" else render_headers_file(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
