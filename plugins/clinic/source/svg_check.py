"""The guide's rule for diagrams: an SVG under STATIC_PATHS has no scripts and loads nothing from elsewhere.

An SVG is a document: opened on its own (a reader follows the image's address) its scripts run and its
`href`s load, on the site's origin, out of reach of the checks on pages. lxml reads it as XML, with
source lines, and nothing is fetched while reading (no network, no entities resolved).
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from clinic.problems import Problem, relative

LINK_ATTRIBUTES = ("href", "{http://www.w3.org/1999/xlink}href", "src")
ELSEWHERE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)  # any scheme, or another host
CSS_LOAD = re.compile(r"@import|url\(\s*['\"]?\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
FIX = "remove it: a diagram is self-contained, with its text as SVG text and no scripts (docs/writing.md, section 6)"


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def check_svg(path: Path) -> list[Problem]:
    shown = relative(str(path))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as error:
        return [Problem(shown, error.lineno or 1, "image-svg", f"the SVG is not well-formed ({error.msg})",
                        "save it again from the drawing program as plain SVG")]
    problems = []
    for node in root.iter():
        name, line = _local(node.tag), node.sourceline or 1
        if name in ("script", "foreignObject", "iframe", "embed", "object"):
            problems.append(Problem(shown, line, "image-svg", f"the SVG holds a <{name}>", FIX))
        for attribute, value in node.attrib.items():
            local = _local(attribute)
            if local.lower().startswith("on"):
                problems.append(Problem(shown, line, "image-svg", f"<{name}> runs a script in its {local} attribute", FIX))
            elif attribute in LINK_ATTRIBUTES and ELSEWHERE.match(value) and not value.lstrip().startswith("data:"):
                problems.append(Problem(shown, line, "image-svg", f"<{name}> loads {value.strip()} from elsewhere", FIX))
            elif local == "style" and CSS_LOAD.search(value):
                problems.append(Problem(shown, line, "image-svg", f"<{name}> style loads a file from elsewhere", FIX))
        if name == "style" and CSS_LOAD.search(node.text or ""):
            problems.append(Problem(shown, line, "image-svg", "the SVG's <style> loads a file from elsewhere", FIX))
    return problems


def check_static_svgs(settings: dict) -> list[Problem]:
    root = Path(settings["PATH"])
    problems = []
    for sub in settings.get("STATIC_PATHS", []):
        base = root / sub
        for path in sorted(base.rglob("*") if base.is_dir() else [base]):
            if path.is_file() and path.suffix.lower() == ".svg":
                problems += check_svg(path)
    return problems
