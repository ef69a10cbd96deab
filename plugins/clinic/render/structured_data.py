"""JSON-LD for search engines, built as plain dicts from an article, a page or the settings.

The builders are pure functions the tests call directly; `blocks_for` picks the ones a template needs
and `to_json` writes each dict so that no string in it can close the <script> element holding it.
"""

from __future__ import annotations

import json

from jinja2 import pass_context
from markupsafe import Markup

SCHEMA = "https://schema.org"

# Inside <script>, the HTML parser ends the element at the first "</script" whatever JSON thinks of it,
# so every character that could start markup is written as a JSON escape instead (JSON.parse undoes it).
_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def to_json(data: dict) -> Markup:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _UNSAFE.items():
        text = text.replace(char, escaped)
    return Markup(text)


def text_of(html) -> str:
    """What a reader sees of an HTML fragment (titles and summaries are HTML after typogrify)."""
    # The same text Jinja's striptags gives the page's <title>: tags dropped, entities decoded, spaces folded.
    return Markup(str(html or "")).striptags()


def site_url(settings) -> str:
    """The absolute base: SITEURL in production, the public address in a development build."""
    base = settings.get("SITEURL") or ""
    if not base.startswith(("https://", "http://")):
        base = settings.get("SITE_PUBLIC_URL", "")
    return base.rstrip("/")


def absolute(settings, url: str = "") -> str:
    return f"{site_url(settings)}/{url.lstrip('/')}"


def person(key: str, settings, url: str | None = None) -> dict:
    entry = settings.get("PEOPLE", {}).get(key, {})
    data = {"@type": "Person", "name": entry.get("name", key)}
    if entry.get("credentials"):
        data["jobTitle"] = entry["credentials"]
    if url:
        data["url"] = url
    return data


def clinic_ref(settings) -> dict:
    return {"@type": "MedicalClinic", "name": settings["CLINIC"]["name"], "url": absolute(settings)}


def medical_clinic(settings) -> dict:
    clinic = settings["CLINIC"]
    return {
        "@context": SCHEMA,
        "@type": "MedicalClinic",
        "name": clinic["name"],
        "url": absolute(settings),
        "telephone": clinic.get("phone"),
        "email": clinic.get("email"),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": clinic.get("street"),
            "addressLocality": clinic.get("city"),
            "addressRegion": clinic.get("region"),
            "postalCode": clinic.get("postal_code"),
            "addressCountry": clinic.get("country"),
        },
        "medicalSpecialty": "PainMedicine",
    }


def medical_web_page(article, settings) -> dict:
    url = absolute(settings, article.url)
    about = [article.category.name] if getattr(article, "category", None) else []
    about += [tag.name for tag in getattr(article, "tags", [])]
    data = {
        "@context": SCHEMA,
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": text_of(article.title),
        "headline": text_of(article.title),
        "description": text_of(getattr(article, "summary", "")),
        "inLanguage": settings.get("DEFAULT_LANG", "en"),
        "datePublished": article.date.isoformat(),
        "dateModified": (getattr(article, "modified", None) or article.date).isoformat(),
        "author": person(article.author.name, settings, absolute(settings, article.author.url)),
        "about": [{"@type": "Thing", "name": name} for name in about],
        "citation": list(getattr(article, "sources", []) or []),
        "publisher": clinic_ref(settings),
        "isPartOf": {"@type": "WebSite", "name": settings.get("SITENAME"), "url": absolute(settings)},
    }
    if getattr(article, "last_reviewed_date", None):
        data["lastReviewed"] = article.last_reviewed_date.isoformat()
    if getattr(article, "reviewer", None):
        data["reviewedBy"] = person(article.reviewer, settings)
    return data


def faq_page(article, settings) -> dict | None:
    faq = getattr(article, "faq", None) or []
    if not faq:
        return None
    return {
        "@context": SCHEMA,
        "@type": "FAQPage",
        "url": absolute(settings, article.url),
        "mainEntity": [
            {"@type": "Question", "name": question,
             "acceptedAnswer": {"@type": "Answer", "text": text_of(answer)}}
            for question, answer in faq
        ],
    }


def breadcrumbs(trail: list[tuple[str, str]], settings) -> dict:
    """`trail` is [(name, site-relative url)], from the home page down to the current page."""
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": name, "item": absolute(settings, url)}
            for number, (name, url) in enumerate(trail, start=1)
        ],
    }


def blocks_for(context) -> list[dict]:
    """The JSON-LD objects for the page a template is rendering (context: the template's variables)."""
    home = ("Home", "")
    article, page, category = context.get("article"), context.get("page"), context.get("category")
    if article is not None and hasattr(article, "date"):
        trail = [home]
        if getattr(article, "category", None):
            trail.append((article.category.name, article.category.url))
        trail.append((text_of(article.title), article.url))
        blocks = [medical_web_page(article, context), breadcrumbs(trail, context)]
        return blocks + [faq] if (faq := faq_page(article, context)) else blocks
    if page is not None and hasattr(page, "url"):
        blocks = [breadcrumbs([home, (text_of(page.title), page.url)], context)]
        if page.slug == "contact":
            blocks.insert(0, medical_clinic(context))
        return blocks
    if category is not None and context.get("page_name", "").startswith("category"):
        return [breadcrumbs([home, (category.name, category.url)], context)]
    if context.get("output_file") == "index.html":
        return [medical_clinic(context)]
    return []


@pass_context
def structured_data(context) -> list[Markup]:
    """Jinja global: each JSON-LD block for the current page, already encoded for a <script> element."""
    return [to_json(block) for block in blocks_for(context)]
