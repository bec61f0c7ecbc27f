"""The import graph of gkaudit: nothing imports upward, and no module cycle.

Read statically (ast) from src/gkaudit, so a lazy import inside a function counts too; imports
under `if TYPE_CHECKING:` do not (they never run). Importing `a.b.c` runs the packages `a` and
`a.b` first, so the cycle test counts those edges too, and one test imports each check's demo
faults first thing in a fresh interpreter, as a user's script would.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "gkaudit"

#: What the checks (and their declaration) sit on top of, and what sits on top of them: a check
#: never imports the registry, the engine, the configuration, the CLI, reporters or the demo.
ABOVE_CHECKS = (
    "gkaudit.plugins",
    "gkaudit.engine",
    "gkaudit.config",
    "gkaudit.plans",
    "gkaudit.cli",
    "gkaudit.audit",
    "gkaudit.reporters",
    "gkaudit.history",
    "gkaudit.baseline",
    "gkaudit.demo",
    "gkaudit.executors",
    "gkaudit.commands",
    "gkaudit.exits",
    "gkaudit.outputs",
)


#: The whole tree, bottom to top: a module imports only from its own layer or below. A new
#: top-level module or package takes its place here, so the order stays a decision, not an accident.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "gkaudit",
        "gkaudit.i18n",
        "gkaudit.oserror",
        "gkaudit.text",
        "gkaudit.dates",
        "gkaudit.suggest",
        "gkaudit.privacy",
        "gkaudit.schema1",
        "gkaudit.base",
    ),
    # the domain model, by idea; `gkaudit.model` itself is the import path that names them all
    ("gkaudit.model.sites", "gkaudit.model.evidence"),
    ("gkaudit.model.results",),
    ("gkaudit.model.scores",),
    ("gkaudit.model.plans",),
    ("gkaudit.model.report",),
    ("gkaudit.model",),
    ("gkaudit.scoring", "gkaudit.shelf"),
    ("gkaudit.net", "gkaudit.domains"),
    ("gkaudit.html", "gkaudit.attachments"),
    ("gkaudit.site",),
    ("gkaudit.corpus", "gkaudit.falsealarms"),
    ("gkaudit.wording", "gkaudit.declaration"),
    ("gkaudit.checks",),
    ("gkaudit.plugins", "gkaudit.config", "gkaudit.plans"),
    ("gkaudit.engine",),
    (
        "gkaudit.executors",
        "gkaudit.baseline",
        "gkaudit.history",
        "gkaudit.waivers",
        "gkaudit.merge",
    ),
    ("gkaudit.reporters", "gkaudit.notify", "gkaudit.exits"),
    ("gkaudit.audit", "gkaudit.outputs", "gkaudit.demo"),
    ("gkaudit.commands",),
    ("gkaudit.cli", "gkaudit.__main__"),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except the bodies of `if TYPE_CHECKING:` blocks."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(path: Path) -> set[str]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m == "gkaudit" or m.startswith("gkaudit.")}


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: imports_of(path) & set(modules) - {name} for name, path in modules.items()}


def with_packages(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """`edges` plus, for each module imported, the packages above it (their `__init__` runs)."""
    return {
        module: targets
        | {
            package
            for target in targets
            for package in (target.rsplit(".", n)[0] for n in range(1, target.count(".")))
            if package in edges and package != module
        }
        for module, targets in edges.items()
    }


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_checks_and_their_declaration_import_nothing_above_them() -> None:
    upward = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        if (within(module, "gkaudit.checks") or module == "gkaudit.declaration")
        and not module.endswith(".demo")  # a check's demo faults are built on the demo spine
        for target in targets
        if any(within(target, above) for above in ABOVE_CHECKS)
    ]
    assert upward == []


def test_only_the_registry_and_the_demo_import_the_builtin_checks() -> None:
    importers = {
        module
        for module, targets in graph().items()
        if not within(module, "gkaudit.checks")
        and any(within(t, "gkaudit.checks") and t != "gkaudit.checks" for t in targets)
    }
    assert importers <= {"gkaudit.plugins"} | {m for m in importers if within(m, "gkaudit.demo")}


def layer_of(module: str) -> int | None:
    """The layer of the longest prefix naming `module` (`gkaudit` alone names only the package)."""
    best: tuple[int, int] | None = None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix if prefix == "gkaudit" else within(module, prefix)
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    return None if best is None else best[1]


def test_every_module_has_a_layer() -> None:
    assert [m for m in graph() if layer_of(m) is None] == []


def test_nothing_imports_a_layer_above_its_own() -> None:
    upward = [
        f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
        for module, targets in graph().items()
        # a check's demo faults are built on the demo spine
        if not (within(module, "gkaudit.checks") and module.endswith(".demo"))
        for target in targets
        if (layer_of(target) or 0) > (layer_of(module) or 0)
    ]
    assert upward == []


def test_no_import_cycle() -> None:
    edges = with_packages(graph())
    # a package's __init__ importing its own modules is not a cycle of ideas
    for module, targets in edges.items():
        edges[module] = {t for t in targets if not within(module, t) or module == t}
    state: dict[str, int] = {}
    path: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(edges.get(module, ())):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)
    assert cycles == []


def test_the_graph_is_read() -> None:
    # the tests above prove nothing if the reader found no edges
    edges = graph()
    assert "gkaudit.checks.column.check" in edges["gkaudit.plugins"]
    assert "gkaudit.declaration" in edges["gkaudit.checks.column.check"]
    assert layer_of("gkaudit.site.context") == layer_of("gkaudit.site")
    assert layer_of("gkaudit.net.http") is not None
    assert "gkaudit.model.results" in edges["gkaudit.model"]
    assert (layer_of("gkaudit.model.report") or 0) < (layer_of("gkaudit.model") or 0)


def test_the_cycle_test_counts_the_packages_a_module_runs() -> None:
    edges = with_packages(graph())
    # a check's demo imports gkaudit.demo.spec, which runs the gkaudit.demo package first
    assert "gkaudit.demo" in edges["gkaudit.checks.reachable.demo"]
    assert "gkaudit.demo.spec" in edges["gkaudit.checks.reachable.demo"]


DEMO_MODULES = sorted(module_name(path) for path in (PACKAGE / "checks").glob("*/demo.py"))


def test_every_check_has_a_demo_module() -> None:
    assert len(DEMO_MODULES) == len(list((PACKAGE / "checks").glob("*/check.py")))


@pytest.mark.parametrize("module", DEMO_MODULES)
def test_a_checks_demo_faults_import_first_in_a_fresh_interpreter(module: str) -> None:
    # `gkaudit.demo.expected` imports every check's demo; a check's demo imported first once
    # found itself half-initialised through gkaudit.demo's __init__ -> fleet -> expected
    run = subprocess.run(
        [sys.executable, "-c", f"import {module}; print(len({module}.FAULTS))"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
