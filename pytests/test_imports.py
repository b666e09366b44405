"""The package's import graph: no module imports another in a circle, and none imports a private name
(`_name`) of another. Read from the source (every import statement, also those inside functions and
under TYPE_CHECKING), so a circle that only a lazy import hides is found too."""

from __future__ import annotations

import ast
from pathlib import Path

import boernedata

PACKAGE = Path(boernedata.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> list[tuple[str, str | None]]:
    """(module imported, name imported from it or None) for every import statement of a module."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append((submodule, None) if submodule in MODULES else (base, alias.name))
    return [(m, n) for m, n in found if m in MODULES]


GRAPH = {name: sorted({m for m, _ in imports(name)} - {name}) for name in MODULES}


def test_no_import_cycles():
    state: dict[str, int] = {}  # 1 on the path being walked, 2 done
    cycles = []

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in GRAPH[node]:
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt, [*path, nxt])
        state[node] = 2

    for name in MODULES:
        if name not in state:
            walk(name, [name])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_private_name_imported_from_another_module():
    private = [
        f"{name} imports {name_!r} from {module}"
        for name in MODULES
        for module, name_ in imports(name)
        if name_ and name_.startswith("_") and not name_.startswith("__")
    ]
    assert not private, "\n".join(private)


def test_the_graph_is_read():
    """The checks above see the imports they are about."""
    assert "boernedata.landing.delivery" in GRAPH["boernedata.landing.run"]
    assert "boernedata.landing.validation" in GRAPH["boernedata.landing.ge_worker"]  # a lazy import
    assert "boernedata.build.task" in GRAPH["boernedata.build"]
