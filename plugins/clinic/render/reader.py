"""The Markdown reader Pelican uses for every article and page (registered through `readers_init` as
rules/reading.py's JudgingReader, which adds the file rules' problems).

It does the whole of reading, so that Pelican's content cache keeps the whole result and an incremental
build redoes none of it for an unchanged file:
1. Markdown, by pelican-yaml-metadata's reader (YAML front matter, or the older `Key: value` header);
2. titles and summaries as text: a `<`, `&` or `</script>` a writer types there is shown, never parsed;
3. typogrify, with Pelican's own TYPOGRIFY_* settings (CLINIC_TYPOGRIFY: Pelican's TYPOGRIFY stays off,
   since Pelican applies it after its cache, on every build);
4. the one-parse rewrite (rewrite.py), its facts (FAQ, sources, images, ...) handed on as metadata;
5. nh3's cleaning with the allow-list, what it would refuse kept as `raw_html_refusals` for the rule.

pelican-yaml-metadata is used as a base class, not listed in PLUGINS: its own readers_init handler would
replace this reader. Full builds read in worker processes (read_ahead.py); the result is the same.
"""

from __future__ import annotations

import html
import os
from dataclasses import asdict

from markdown import Markdown
from pelican.plugins.yaml_metadata.yaml_metadata import YAMLMetadataReader

from clinic.render import read_ahead, rewrite, sanitise
from clinic.source import preflight
from clinic.problems import relative


class ClinicReader(YAMLMetadataReader):
    def read(self, source_path):
        found = read_ahead.read_ahead(self, source_path)
        return found if found is not None else self.read_here(source_path)

    def read_here(self, source_path):
        body, metadata = super().read(source_path)
        with open(source_path, encoding="utf-8") as handle:
            source = handle.read()
        settings = self.settings
        if "title" in metadata:
            metadata["title"] = typogrify(html.escape(str(metadata["title"]), quote=False), settings)
        written = preflight.header(source)[0].get("summary")
        if written is not None and "summary" in metadata:
            metadata["summary"] = typogrify(self._summary_as_text(written[1]), settings)
        body = typogrify(body, settings)
        body, facts = rewrite.transform(body, settings, mark_terms=not is_page(source_path, settings))
        allow = sanitise.allow_list(settings)
        path = relative(source_path)
        refusals = sanitise.problems_in(body, source, path, allow)
        if metadata.get("summary") and written is not None:
            # A written Summary reaches feeds as HTML; an affiliate link there is refused (affiliate-in-summary).
            refusals += sanitise.problems_in(metadata["summary"], source, path, allow, line=written[0])
            metadata["summary"] = sanitise.clean(metadata["summary"], settings)
        cleaned = sanitise.clean(body, settings)
        # The rules judge what the writer wrote: the body before the cleaning (tree.body_of), the same string
        # when the cleaning changed nothing. A body the cleaning changes always fails a rule (raw-html-*,
        # privacy-external).
        metadata.update(asdict(facts), toc_entries=facts.toc, raw_html_refusals=refusals,
                        body_as_written=body if cleaned != body else cleaned)
        return cleaned, metadata

    def _summary_as_text(self, written) -> str:
        """The Summary as Pelican formats it (Markdown), from the text as written with `< > &` escaped."""
        text = "\n".join(written) if isinstance(written, list) else str(written)
        settings = {**self.settings["MARKDOWN"]}
        settings["extensions"] = [e for e in settings.get("extensions", []) if e != "markdown.extensions.meta"]
        return Markdown(**settings).convert(html.escape(text, quote=False))


def is_page(source_path: str, settings) -> bool:
    """Whether Pelican reads the file as a page (under PAGE_PATHS) rather than an article."""
    rel = os.path.relpath(os.path.abspath(source_path), os.path.abspath(settings["PATH"])).replace(os.sep, "/")
    return any(rel == p.strip("/") or rel.startswith(p.strip("/") + "/") for p in settings.get("PAGE_PATHS", []))


def typogrify(text, settings):
    """typogrify as Pelican's read_file applies it (readers.py), with the same settings."""
    if not text or not settings.get("CLINIC_TYPOGRIFY"):
        return text
    import smartypants
    from typogrify.filters import typogrify as apply

    dashes = settings["TYPOGRIFY_DASHES"]
    smartypants.Attr.default = {"oldschool": smartypants.Attr.set2,
                                "oldschool_inverted": smartypants.Attr.set3}.get(dashes, smartypants.Attr.set1)
    smartypants.Attr.default |= smartypants.Attr.w
    return apply(text, settings["TYPOGRIFY_IGNORE_TAGS"], **dict.fromkeys(settings["TYPOGRIFY_OMIT_FILTERS"], False))
