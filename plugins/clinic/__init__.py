"""The clinic's own Pelican plugin: content rewrites, editorial rules and notices. See plugin.py."""

from .plugin import register  # noqa: F401
