"""The notices as HTML, from settings, for places the theme does not render (feed entries)."""

from __future__ import annotations


from markupsafe import escape

from clinic import affiliate
from clinic.tree import parsed


def has_affiliate_link(html: str, settings) -> bool:
    if not html:
        return False
    patterns = settings.get("AFFILIATE_LINK_PATTERNS", [])
    return bool(affiliate.uses(parsed(html), patterns))


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
