"""The notices as HTML, from settings, for places the theme does not render (feed entries)."""

from __future__ import annotations

import re
from html import unescape

from markupsafe import escape

from . import affiliate
from .tree import parsed


# An href attribute as an HTML parser reads one (any '='s, then a quoted or a bare value), so the pre-check
# below sees every href the parser would, and more (it does not care which element or whether in text).
_HREF = re.compile(r"""href\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*)""", re.IGNORECASE)


def could_have_affiliate_link(html: str, patterns) -> bool:
    """False only when no href in `html` can be an affiliate link: feeds call has_affiliate_link once
    per entry per feed, and skipping the parse for the many entries without one halves the feed cost."""
    for match in _HREF.finditer(html):
        value = match.group(1)
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        if affiliate.is_affiliate(unescape(value), patterns):
            return True
    return False


def has_affiliate_link(html: str, settings) -> bool:
    if not html:
        return False
    patterns = settings.get("AFFILIATE_LINK_PATTERNS", [])
    if not could_have_affiliate_link(html, patterns):
        return False
    return any(affiliate.is_affiliate(a.get("href"), patterns) for a in parsed(html).iter("a"))


def disclaimer_html(settings) -> str:
    return (
        f'<p class="disclaimer"><strong>Medical disclaimer:</strong> {escape(settings["MEDICAL_DISCLAIMER"])} '
        f'{escape(settings["EMERGENCY_NOTICE"])}</p>'
    )


def affiliate_notice_html(settings) -> str:
    return f'<p class="affiliate-notice"><strong>Affiliate notice:</strong> {escape(settings["AFFILIATE_NOTICE"])}</p>'


def with_notices(html: str | None, settings, *, disclaimer: bool = True) -> str | None:
    """Prefix an entry with the affiliate notice (if it has affiliate links) and the disclaimer."""
    if html is None:
        return None
    prefix = affiliate_notice_html(settings) if has_affiliate_link(html, settings) else ""
    if disclaimer:
        prefix += disclaimer_html(settings)
    return prefix + html
