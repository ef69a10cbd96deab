"""The Markdown reader: YAML front matter (pelican-yaml-metadata's reader), titles and summaries as text.

Front matter is YAML between `---` lines, the format the CMS at /admin/ reads and writes; the reader is
the pelican-plugins organisation's yaml-metadata, which falls back to Pelican's own `Key: value` header
for a file without one. It is used as a base class, not listed in PLUGINS: its readers_init handler would
replace this reader (and read_ahead.py's, built on it) for every Markdown file.

Titles and summaries are text: a `<`, `&` or `</script>` a writer types there is shown, never parsed.
Pelican treats both as HTML (typogrify adds markup to them, so templates print them unescaped), which
lets a stray tag in a header line reach the page raw. Escaping `< > &` as the header is read keeps
Pelican's model (title and summary are HTML) while making what the writer typed text: typogrify still
curls the quotes, Markdown emphasis in a summary still works, and `striptags` (used for <title>, meta
tags, feeds and JSON-LD) turns the entities back into the same text for autoescape.
"""

from __future__ import annotations

import html

from pelican.plugins.yaml_metadata.yaml_metadata import YAMLMetadataReader

TEXT_FIELDS = ("title", "summary")


def _escaped(name: str, value):
    if name.lower() not in TEXT_FIELDS:
        return value
    if isinstance(value, list):
        return [html.escape(str(v), quote=False) for v in value]
    return html.escape(str(value), quote=False) if value is not None else value


class TextMetadataMarkdownReader(YAMLMetadataReader):
    def _parse_metadata(self, meta):
        """Pelican's `Key: value` header (a file without YAML front matter)."""
        return super()._parse_metadata({name: _escaped(name, values) for name, values in meta.items()})

    def _parse_yaml_metadata(self, meta, source_path):
        """YAML front matter."""
        return super()._parse_yaml_metadata({name: _escaped(str(name), value) for name, value in meta.items()},
                                            source_path)
