"""Titles and summaries are text: a `<`, `&` or `</script>` a writer types there is shown, never parsed.

Pelican treats both as HTML (typogrify adds markup to them, so templates print them unescaped), which
lets a stray tag in a header line reach the page raw. Escaping `< > &` as the Markdown reader reads
the header keeps Pelican's model (title and summary are HTML) while making what the writer typed text:
typogrify still curls the quotes, Markdown emphasis in a summary still works, and `striptags` (used for
<title>, meta tags, feeds and JSON-LD) turns the entities back into the same text for autoescape.
"""

from __future__ import annotations

import html

from pelican.readers import MarkdownReader

TEXT_FIELDS = ("title", "summary")


class TextMetadataMarkdownReader(MarkdownReader):
    def _parse_metadata(self, meta):
        escaped = {
            name: [html.escape(value, quote=False) for value in values] if name in TEXT_FIELDS else values
            for name, values in meta.items()
        }
        return super()._parse_metadata(escaped)

