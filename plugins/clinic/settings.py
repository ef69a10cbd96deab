"""The one way anything here reads the site's settings: Pelican's own reader, over pelicanconf.py or
publishconf.py, with optional overrides (the tests' and the benchmarks' small sites)."""

from __future__ import annotations

import os


def load_settings(settings_file: str | os.PathLike, overrides: dict | None = None) -> dict:
    from pelican.settings import read_settings

    return read_settings(str(settings_file), override=overrides or {})
