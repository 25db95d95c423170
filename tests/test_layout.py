"""The package's shape: a short flat base, no import cycles, short functions, one public API, and
``import symrnn`` without PyTensor."""
import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

import symrnn

PACKAGE = Path(symrnn.__file__).parent
REPOSITORY = PACKAGE.parent
MAX_TOP_LEVEL_MODULES = 12
MAX_FUNCTION_LINES = 60


def _modules():
    """{dotted module name: path} of every symrnn module."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(REPOSITORY).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path, modules):
    """The symrnn modules that ``path`` imports, anywhere in it (inside functions too)."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in imported if name in modules}


def _cycle(graph):
    """One import cycle of ``graph`` ({module: imported modules}) as a list, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt, path + [nxt])):
                return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def _package_of(module, name):
    """A module's import of its own package's ``__init__`` is no edge: the package runs first anyway."""
    return name == module.rpartition(".")[0] or module.startswith(name + ".")


def test_at_most_twelve_modules_directly_in_the_package():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_no_import_cycle_between_symrnns_modules():
    modules = _modules()
    graph = {m: {n for n in _imports(p, modules) if n != m and not _package_of(m, n)} for m, p in modules.items()}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_graph_building_imports_no_compile_machinery():
    modules = _modules()
    for module, path in modules.items():
        if module.startswith(("symrnn.nn", "symrnn.optim")):
            compiled = {n for n in _imports(path, modules) if n.startswith(("symrnn.backends", "symrnn.training"))}
            assert not compiled, (module, compiled)


def test_no_function_is_longer_than_sixty_lines():
    long = [f"{path.relative_to(REPOSITORY)}:{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for path in PACKAGE.rglob("*.py")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, long


def test_import_symrnn_and_parsing_arguments_import_no_pytensor():
    code = ("import sys, symrnn, symrnn.cli; symrnn.cli.build_parser().parse_args(['train']); "
            "print(sorted(m for m in ('pytensor', 'jax', 'numba') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("name", sorted(symrnn.PUBLIC))
def test_each_public_name_imports_from_the_top(name):
    value = getattr(symrnn, name)
    assert getattr(importlib.import_module(symrnn.PUBLIC[name]), name) is value
    assert name in dir(symrnn)


def test_docs_api_lists_exactly_the_public_names():
    text = (REPOSITORY / "docs" / "api.md").read_text(encoding="utf-8")
    top = text.split("## From the top", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `symrnn\.(\w+)`", top, re.M))
    assert listed == set(symrnn.PUBLIC)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'cells'"):
        symrnn.cells  # noqa: B018  (the old flat module path is gone)


def test_version_is_the_packages_and_the_commands():
    from importlib.metadata import version

    out = subprocess.run([sys.executable, "-m", "symrnn", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"symrnn {symrnn.__version__}" == f"symrnn {version('symrnn')}"
