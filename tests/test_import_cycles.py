"""No module of the package imports itself back through other modules (no import circles).

The graph is read from the source with ``ast``: every ``import`` counts, at module level or inside
a function (a lazy import is still a dependency), including ``TYPE_CHECKING`` blocks and
``importlib.import_module("hebbian_brain...")`` with a literal name.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "python" / "hebbian_brain"
#: Submodules that are not Python source (the extension built from rust/bindings).
EXTENSIONS = {"hebbian_brain._core"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``name`` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            for alias in node.names:
                if f"{base}.{alias.name}" in known:  # `from package import submodule`
                    found.add(f"{base}.{alias.name}")
                elif base in known:
                    found.add(base)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in known
        ):  # importlib.import_module("hebbian_brain.x")
            found.add(node.args[0].value)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (extensions are leaves)."""
    modules = _modules()
    known = set(modules) | EXTENSIONS
    graph = {name: _imports(name, path, known) for name, path in modules.items()}
    graph.update({ext: set() for ext in EXTENSIONS})
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
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
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_package_has_no_import_cycles():
    graph = import_graph()
    assert "hebbian_brain.viz" in graph and "hebbian_brain.analysis" in graph
    found = cycles(graph)
    assert not found, "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_the_cycle_check_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]


def test_plots_live_only_in_viz():
    """Outside viz nothing defines a ``plot_*`` function or makes a matplotlib figure."""
    for name, path in _modules().items():
        if name.startswith("hebbian_brain.viz"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                assert not node.name.startswith("plot_"), f"{name}.{node.name}: plots go in viz"
            if isinstance(node, ast.ImportFrom) and node.module:
                drawing = node.module in ("matplotlib.figure", "matplotlib.pyplot")
                assert not drawing, f"{name} imports {node.module}: plots go in viz"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name != "matplotlib.pyplot", f"{name} imports pyplot"
