"""`reach.common` is a leaf: every app may import it, and it imports no other app of Reach."""

import ast
from pathlib import Path

import reach.common

COMMON_DIR = Path(reach.common.__file__).resolve().parent


def reach_imports(source: str) -> set[str]:
    """The modules of the `reach` package that a module's source imports, at any depth."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name for name in names if name == "reach" or name.startswith("reach."))
    return found


def test_reach_imports_finds_top_level_late_and_plain_imports():
    source = (
        "import reach.geo.models\n"
        "from reach.common.money import format_major\n"
        "def tag():\n"
        "    from reach.policy.catalog import FIELDS\n"
        "import reach\n"
    )
    assert reach_imports(source) == {
        "reach.geo.models",
        "reach.common.money",
        "reach.policy.catalog",
        "reach",
    }


def test_no_module_of_common_imports_another_reach_app():
    modules = sorted(COMMON_DIR.rglob("*.py"))
    assert len(modules) > 10
    offending = {
        str(path.relative_to(COMMON_DIR)): sorted(
            name
            for name in reach_imports(path.read_text(encoding="utf-8"))
            if name != "reach.common" and not name.startswith("reach.common.")
        )
        for path in modules
    }
    assert {path: names for path, names in offending.items() if names} == {}
