"""The clinic reader with the file rules (rules.FILE_RULES) run on each article as it is read.

Their problems travel in the article's metadata as `file_problems`, as data: through the reading workers
(render/read_ahead.py) and Pelican's content cache, which then keeps them for an unchanged file, so a live
rebuild judges only the file that changed. The plugin registers this class through `readers_init`.
"""

from __future__ import annotations

from pelican.readers import MarkdownReader

from clinic import rules
from clinic.render.reader import ClinicReader, is_page


class Written:
    """An article as its reader left it, before Pelican makes it an Article: its path, and its metadata
    as attributes, which is all a file rule reads."""

    def __init__(self, source_path: str, metadata: dict):
        self.source_path, self.metadata = source_path, metadata

    def __getattr__(self, name):
        try:
            return self.metadata[name]
        except KeyError:
            raise AttributeError(name) from None


class JudgingReader(ClinicReader):
    def read_here(self, source_path):
        content, metadata = super().read_here(source_path)
        if not is_page(source_path, self.settings):  # pages have their own rules (check_page), on the site
            with open(source_path, encoding="utf-8") as handle:
                source = handle.read()
            metadata["file_problems"] = rules.check_file(Written(source_path, metadata), self.settings, source)
        return content, metadata


def use_judging_reader(readers) -> None:
    """readers_init handler: read every Markdown extension with this reader."""
    for extension in MarkdownReader.file_extensions:
        readers.reader_classes[extension] = JudgingReader
