"""The guides' code imports what exists: every ``symrnn`` import in a Python block of README.md or
docs/*.md names a module or a name that is there."""
import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def symrnn_imports():
    """(page, module, name or None) for each symrnn import line in the pages' ```python blocks."""
    for page in PAGES:
        for block in re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S):
            lines = [line.strip() for line in block.splitlines() if re.match(r"\s*(from|import) symrnn", line)]
            for node in ast.walk(ast.parse("\n".join(lines))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("symrnn"):
                    yield from ((page.name, node.module, alias.name) for alias in node.names)
                elif isinstance(node, ast.Import):
                    yield from ((page.name, alias.name, None) for alias in node.names
                                if alias.name.startswith("symrnn"))


@pytest.mark.parametrize("page, module, name", sorted(set(symrnn_imports()), key=str))
def test_each_import_in_the_guides_resolves(page, module, name):
    imported = importlib.import_module(module)
    if name is not None and not hasattr(imported, name):
        importlib.import_module(f"{module}.{name}")  # a submodule: ImportError if it is not there either
