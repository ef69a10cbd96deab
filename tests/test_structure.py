"""The house a newcomer reads: plugins/clinic/ is rooms by concern, in an order, with no import cycles.

Every import counts, a function's own imports too: an import moved inside a function to dodge a cycle
still ties the two modules together. Each check is run on a small bad package first, so it can fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "plugins" / "clinic"
# Each room may import from the rooms before it and from the shared modules (the top level).
ROOMS = ["source", "render", "rules", "writers", "audit", "build", "release"]
# Named in docs/architecture.md: the build writes the editor and the preview runs the build.
CROSSINGS = {("writers.cms_admin", "build.delivery"), ("writers.preview", "build.runner")}
SHARED = ["problems", "settings", "tree", "affiliate", "headers"]
MAX_LINES = 400


def modules(package: Path) -> dict[str, Path]:
    """Dotted name under the package (`rules.claims`, `''` for the package itself) -> file."""
    found = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(package: Path) -> dict[str, set[str]]:
    """Which modules of the package each module imports (absolute `clinic.` or relative), anywhere in it."""
    known = modules(package)
    name = package.name
    found: dict[str, set[str]] = {module: set() for module in known}
    for module, path in known.items():
        here = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[:len(here) - node.level + 1] if node.level > 1 else here
                    target = ".".join([*base, *([node.module] if node.module else [])]).strip(".")
                elif node.module == name or (node.module or "").startswith(name + "."):
                    target = node.module[len(name) + 1:]
                else:
                    continue
                names = [f"{target}.{alias.name}".strip(".") for alias in node.names]
                wanted = [n for n in names if n in known] or [target]
            elif isinstance(node, ast.Import):
                wanted = [a.name[len(name) + 1:] for a in node.names if a.name.startswith(name + ".")]
            else:
                continue
            for other in wanted:
                # A module's own package always runs first; that is no cycle.
                if other in known and other != module and not module.startswith(other + ".") and other != "":
                    found[module].add(other)
    return found


def cycles(package: Path) -> list[list[str]]:
    graph = imports(package)
    seen: set[str] = set()
    found = []

    def walk(module, path):
        if module in path:
            found.append(path[path.index(module):] + [module])
            return
        if module in seen:
            return
        seen.add(module)
        for other in sorted(graph[module]):
            walk(other, [*path, module])

    for module in sorted(graph):
        walk(module, [])
    return found


def out_of_order(package: Path) -> list[str]:
    """Imports that reach a later room than the importer's own, unless they are a named crossing."""
    def room(module):
        first = module.split(".")[0]
        return ROOMS.index(first) if first in ROOMS else None

    wrong = []
    for module, others in imports(package).items():
        mine = room(module)
        for other in sorted(others):
            theirs = room(other)
            if mine is None and module.split(".")[0] in SHARED and theirs is not None:
                wrong.append(f"{module} -> {other}")  # shared modules come before every room
            elif mine is not None and theirs is not None and theirs > mine and (module, other) not in CROSSINGS:
                wrong.append(f"{module} -> {other}")
    return wrong


@pytest.fixture
def tangled(tmp_path) -> Path:
    """A package whose rules import the audit at the top and the audit imports the rules in a function."""
    package = tmp_path / "clinic"
    for folder in ("rules", "audit"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "rules" / "claims.py").write_text("from clinic.audit import checks\n")
    (package / "audit" / "checks.py").write_text("def run():\n    from ..rules import claims\n")
    return package


def test_a_cycle_hidden_in_a_function_is_found(tangled):
    assert cycles(tangled) == [["audit.checks", "rules.claims", "audit.checks"]]


def test_a_room_that_imports_a_later_room_is_named(tangled):
    assert out_of_order(tangled) == ["rules.claims -> audit.checks"]


def test_the_plugin_has_no_import_cycles():
    assert cycles(PLUGIN) == []


def test_each_room_imports_only_earlier_rooms_and_the_shared_modules():
    assert out_of_order(PLUGIN) == []


def test_the_plugin_is_the_rooms_and_the_shared_modules_and_nothing_else():
    top = {path.stem for path in PLUGIN.glob("*.py")} - {"__init__", "plugin"}
    folders = {path.name for path in PLUGIN.iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert top == set(SHARED) and folders == set(ROOMS)


def test_no_module_is_over_the_line_limit():
    long = {str(path.relative_to(PLUGIN)): n for path in PLUGIN.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
