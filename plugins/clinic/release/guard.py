"""The production guard: publishing refuses while the settings still hold the example clinic or people."""

from __future__ import annotations

from pathlib import Path

from clinic.problems import Problem, line_of, relative

# The clinic's own details: the examples in pelicanconf.py must all be replaced before the site goes public.
GUARDED = ("SITENAME", "SITE_PUBLIC_URL", "CLINIC", "PEOPLE", "AFFILIATE_TAG")


def _strings(value, where: str):
    """Every string inside `value`, with the Python expression that reaches it."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(str(key), f"{where} key {key!r}")
            yield from _strings(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]")


def example_values(settings: dict, settings_file: str | Path = "pelicanconf.py") -> list[Problem]:
    """One problem per guarded setting that still holds an EXAMPLE_MARKERS value, naming the first few."""
    markers = [m for m in settings.get("EXAMPLE_MARKERS", []) if m]
    source = Path(settings_file)
    text = source.read_text(encoding="utf-8") if source.is_file() else ""
    problems = []
    for name in GUARDED:
        hits = [where for where, value in _strings(settings.get(name), name) if any(m in value for m in markers)]
        hits = list(dict.fromkeys(hits))
        if not hits:
            continue
        shown = ", ".join(hits[:3]) + (f" and {len(hits) - 3} more" if len(hits) > 3 else "")
        problems.append(Problem(relative(str(source)), line_of(text, f"\n{name} = ", 0) + (1 if text else 0),
                                "example-settings",
                                f"{name} still holds example values ({shown}); publishing is refused",
                                f"replace every placeholder in {name} with the clinic's real details"))
    return problems
