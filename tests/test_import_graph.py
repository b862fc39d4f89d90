"""The import graph of geo/ and webmap/: no cycles, geo never imports Flask or webmap, and
imports go down the layers of scripts/import_graph.py (run it to see the graph)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def graph_module():
    path = ROOT / "scripts" / "import_graph.py"
    spec = importlib.util.spec_from_file_location("import_graph", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_graph"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def graph(graph_module):
    return graph_module.edges()


def test_the_graph_sees_deferred_and_relative_imports(graph_module, tmp_path, monkeypatch):
    """The reader counts imports inside functions and relative ones (a checker that missed
    them would report no cycles for the two the code had)."""
    for package in ("geo", "webmap"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "geo" / "a.py").write_text("def f():\n    from geo import b\n")
    (tmp_path / "geo" / "b.py").write_text("from .a import f\n")
    (tmp_path / "webmap" / "c.py").write_text("import geo.a\n")
    monkeypatch.setattr(graph_module, "ROOT", tmp_path)
    found = graph_module.edges(graph_module.project_modules())
    assert found["geo.a"] == {"geo.b"} and found["geo.b"] == {"geo.a"}
    assert found["webmap.c"] == {"geo.a"}
    assert graph_module.cycles(found) == [["geo.a", "geo.b"]]


def test_no_import_cycles(graph_module, graph):
    assert graph_module.cycles(graph) == []


def test_geo_never_imports_webmap_or_flask():
    offenders = []
    for path in sorted((ROOT / "geo").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for line in source.splitlines():
            stripped = line.strip()
            if stripped.startswith(("import flask", "from flask", "import webmap", "from webmap")):
                offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []


def test_layers_are_known(graph_module, graph):
    """Every module sits on a floor of the layer list (a new package must be placed)."""
    unplaced = [m for m in graph if graph_module.layer_of(m) == len(graph_module.LAYERS)]
    assert unplaced == []


def test_the_command_line_reports(graph_module, capsys):
    graph_module.main([])
    out = capsys.readouterr().out
    assert "import cycles: 0" in out


def test_imports_go_down_the_layers(graph_module, graph):
    """No module imports from a higher floor (sources never reach into analysis, maps,
    formats or render; geo never into webmap)."""
    assert graph_module.climbs(graph) == []


def test_a_climb_is_reported(graph_module):
    assert graph_module.climbs({"geo.sources.datasets": {"geo.analysis.inequality"}}) == [
        ("geo.sources.datasets", "geo.analysis.inequality")
    ]
