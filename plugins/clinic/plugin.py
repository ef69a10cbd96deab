"""Pelican signal wiring for the clinic plugin: each handler hands its work to a room (source, render, rules,
audit, build); the logic lives there."""

from __future__ import annotations

import functools

from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import ArticlesGenerator, PagesGenerator

from clinic.render import feed_notices, read_ahead, sitemap_dates, sources, structured_data
from clinic.build import delivery
from clinic.rules import affiliate as affiliate_rules, drafts, guide, plain, reading, safety
from clinic.source import dates, glossary, markers, placement
from clinic import headers, rules
from clinic.audit import links
from clinic.rules.editorial import next_review_due
from clinic.source.dates import parse_date
from clinic.problems import RuleProblems


def add_article_facts(instance):
    """What the theme shows beside the body: key points, review dates, the off-label notice."""
    if isinstance(instance, Article):
        instance.key_points = plain.key_points(instance)
        _add_review_dates(instance)
        instance.offlabel = _is_offlabel(instance)


def hold_back_scheduled(instance):
    """A post dated after today (dates.today: the clinic's TIMEZONE, or RULES_TODAY) is scheduled: a draft,
    so production writes it nowhere and development builds it under drafts/ with the scheduled banner.
    Pelican's own WITH_FUTURE_DATES is on, so that only this clock decides."""
    if not isinstance(instance, (Article, Page)):
        return
    instance.scheduled = dates.scheduled_for(instance, instance.settings)
    if instance.scheduled is not None:
        instance.status = "draft"


def _add_review_dates(article):
    reviewed = parse_date(str(article.metadata.get("last_reviewed") or ""))
    article.last_reviewed_date = reviewed
    article.next_review_due = next_review_due(reviewed, article.settings) if reviewed else None


def _is_offlabel(article) -> bool:
    settings = article.settings
    if getattr(article, "category", None) and article.category.name in settings.get("OFFLABEL_CATEGORIES", []):
        return True
    tags = {t.name.lower() for t in getattr(article, "tags", [])}
    return bool(tags & {t.lower() for t in settings.get("OFFLABEL_TAGS", [])})


def enforce_rules(generators):
    problems = []
    if generators:
        problems.extend(glossary.problems(generators[0].settings))
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            for article in generator.articles:
                with open(article.source_path, encoding="utf-8") as handle:
                    source = handle.read()
                problems.extend(rules.check_article(article, generator.settings, source))
                problems.extend(markers.check_unfinished(article, generator.settings, source))
            problems.extend(drafts.links_to_drafts(generator.articles, [*generator.drafts, *generator.drafts_translations],
                                                   generator.settings))
        elif isinstance(generator, PagesGenerator):
            pages = [*generator.pages, *generator.hidden_pages]  # hidden pages are published, just not listed
            problems.extend(p for page in pages for p in safety.check_page(page, generator.settings))
            problems.extend(p for page in pages for p in guide.check_page(page, generator.settings))
            problems.extend(p for page in pages for p in affiliate_rules.check_page(page, generator.settings))
    if generators:
        problems.extend(placement.unread_markdown(generators, generators[0].settings))
    if problems:
        raise RuleProblems(problems)


def add_notices_to_feed(context, feed):
    points = _key_points_by_url(context)
    site = context.get("SITEURL", "")
    for item in feed.items:
        # The key points open the entry's full text (Atom's content, RSS's description), after the feed_notices.
        full = "content" if item.get("content") is not None else "description"
        link = item.get("link", "").split("?ref=feed")[0]
        url = (link[len(site):] if site and link.startswith(site) else link).lstrip("/")
        if item.get(full) is not None:
            item[full] = points.get(url, "") + item[full]
        item["content"] = feed_notices.with_notices(item.get("content"), context)
        item["description"] = feed_notices.with_notices(item.get("description"), context)


def _key_points_by_url(context) -> dict[str, str]:
    from markupsafe import escape

    return {article.url.lstrip("/"):
            '<section class="key-points"><h2>Key points</h2><ul>'
            + "".join(f"<li>{escape(point)}</li>" for point in getattr(article, "key_points", []))
            + "</ul></section>"
            for article in context.get("articles", []) if getattr(article, "key_points", None)}


def add_template_helpers(generator):
    generator.env.filters["body_and_sources"] = sources.body_and_sources
    generator.env.globals["structured_data"] = structured_data.structured_data
    # A function, so each run (livereload builds in one process) reads the glossary file as it is now.
    generator.env.globals["glossary_entries"] = lambda: glossary.entries(generator.settings)
    generator.env.globals["content_security_policy"] = functools.partial(headers.meta_policy, generator.settings)


def connect():
    signals.initialized.connect(read_ahead.start_run)
    signals.readers_init.connect(reading.use_judging_reader)
    signals.content_object_init.connect(hold_back_scheduled)
    signals.content_object_init.connect(add_article_facts)
    signals.all_generators_finalized.connect(drafts.warn_about_drafts)
    signals.all_generators_finalized.connect(enforce_rules)
    signals.all_generators_finalized.connect(links.remember_sources)
    signals.all_generators_finalized.connect(sitemap_dates.date_listings_by_content)
    signals.feed_generated.connect(add_notices_to_feed)
    signals.generator_init.connect(add_template_helpers)
    signals.generator_init.connect(delivery.add_asset_global)
