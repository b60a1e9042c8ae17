"""budget_site is loaded whole and in a declared order: every module of it that implements a Datasette hook is in
hooks.MODULES (a new one left out would silently not run), and plugins/ holds only the loader (a file dropped there
would run outside that order)."""
import ast
from pathlib import Path

from budget_site import hooks

ROOT = Path(__file__).resolve().parent.parent.parent


def implements_a_hook(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any("hookimpl" in ast.unparse(decorator) for node in tree.body if isinstance(node, ast.FunctionDef)
               for decorator in node.decorator_list)


def test_every_hook_module_is_registered_once():
    found = {str(path.relative_to(ROOT / "budget_site").with_suffix("")).replace("/", ".")
             for path in (ROOT / "budget_site").rglob("*.py") if implements_a_hook(path)}
    assert sorted(hooks.MODULES) == sorted(found)
    assert len(hooks.MODULES) == len(set(hooks.MODULES)) == 28


def test_the_plugins_folder_holds_only_the_loader():
    assert sorted(p.name for p in (ROOT / "plugins").iterdir() if p.name != "__pycache__") == ["budget_site_loader.py"]
