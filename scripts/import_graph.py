"""The import graph of the project's own packages (``geo`` and ``webmap``), read from the source.

Every ``import`` and ``from … import`` counts, at module level or inside a function: a
deferred import is still a dependency a reader has to hold in their head. Imports under
``if TYPE_CHECKING:`` (annotations only; they never run) do not. Run it as

    python scripts/import_graph.py            # cycles and layer violations; exit 1 if any
    python scripts/import_graph.py --edges    # every edge, "importer -> imported"

The layers (which way imports may go) are in :data:`LAYERS`; ``tests/test_import_graph.py``
runs the same checks so that neither a cycle nor a climb the wrong way can come back.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geo", "webmap")

#: Packages in the order they may be imported: a module may import only from its own layer
#: or from layers listed before it (lower floors). ``webmap`` sits on top of all of ``geo``.
LAYERS: tuple[tuple[str, ...], ...] = (
    # the floor: errors, paths, levels, version, units of measure, CRSs, plain serialisers
    (
        "geo.errors",
        "geo.paths",
        "geo.levels",
        "geo.version",
        "geo.i18n",
        "geo.measure",
        "geo.crs",
        "geo.crs_ref",
        "geo.formats.geojson",
        "geo.formats.csvsafe",
    ),
    ("geo.store",),
    # what the data is; label points and the facility layers a ``points=`` token names are
    # facts about the data (they import only sources), so analysis may use them too
    ("geo.sources", "geo.maps.labels", "geo.maps.points"),
    ("geo.analysis",),
    ("geo.maps", "geo.formats"),
    ("geo.render",),
    ("geo", "geo.cli"),
    ("webmap",),
)


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The project module ``name`` refers to (a module, or the package holding a name)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _runtime_nodes(tree: ast.AST):
    """Every node except those under ``if TYPE_CHECKING:`` (imports for annotations only,
    which never run: naming a type is not depending on its module)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def edges(modules: dict[str, Path] | None = None) -> dict[str, set[str]]:
    """importer → the project modules it imports (anywhere in its body)."""
    modules = modules or project_modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in _runtime_nodes(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, is_package, node)
                # ``from pkg import mod`` imports the submodule ``pkg.mod`` when it is one.
                targets = [f"{base}.{alias.name}" for alias in node.names] or [base]
                targets = [t if _owner(t, modules) == t else base for t in targets]
            for target in targets:
                owner = _owner(target, modules)
                if owner and owner != name:
                    graph[name].add(owner)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def layer_of(module: str) -> int:
    """The floor of ``module``: the longest matching prefix in :data:`LAYERS`."""
    best, depth = len(LAYERS), -1
    for floor, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and prefix.count(".") > depth:
                best, depth = floor, prefix.count(".")
    return best


def climbs(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports from a lower floor to a higher one (``geo.sources`` importing ``geo.analysis``)."""
    wrong = []
    for importer, imported in sorted(graph.items()):
        for target in sorted(imported):
            if layer_of(target) > layer_of(importer):
                wrong.append((importer, target))
    return wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", action="store_true", help="print every edge")
    args = parser.parse_args(argv)
    graph = edges()
    if args.edges:
        for importer, imported in sorted(graph.items()):
            for target in sorted(imported):
                print(f"{importer} -> {target}")
        return 0
    found = cycles(graph)
    wrong = climbs(graph)
    print(f"{len(graph)} modules, {sum(map(len, graph.values()))} imports")
    print(f"import cycles: {len(found)}")
    for component in found:
        print("  " + " <-> ".join(component))
    print(f"imports against the layers: {len(wrong)}")
    for importer, target in wrong:
        print(f"  {importer} -> {target}")
    return 1 if found or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
