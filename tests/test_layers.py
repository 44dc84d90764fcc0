"""The packages form the pipeline's layers: a module imports only from its own layer or below.

load -> validate -> analyse -> report / render / edit. A lower layer never imports a higher
one, not even inside a function, so there is no import cycle between packages.
"""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import pytest

from conftest import ROOT

SOURCE = ROOT / "src" / "cjmkit"

#: Lowest first. A top-level module or package of cjmkit belongs to exactly one layer.
LAYERS: list[set[str]] = [
    {
        "__init__",
        "errors",
        "encoding",
        "locales",
        "terminal",
        "diagnostics",
        "codes",
        "output",
        "registry",
        "i18n",
        "slugs",
        "escaping",
    },
    {"models"},
    {"loading"},
    {"project"},
    {"analysis"},
    {"pipeline", "schema", "reference", "compare"},
    {"reporters"},
    {"renderers"},
    {"editing", "interop", "semdiff", "scaffold", "serve"},
    {"cli", "__main__"},
]
LAYER = {name: level for level, names in enumerate(LAYERS) for name in names}


def part_of(module: str) -> str:
    """``cjmkit.analysis.rules.gaps`` -> ``analysis``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def modules() -> list[tuple[str, pathlib.Path]]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE.parent).with_suffix("")
        name = ".".join(part for part in relative.parts if part != "__init__" or len(relative.parts) == 2)
        found.append((name if not name.endswith(".__init__") else name[: -len(".__init__")], path))
    return found


def imports_of(path: pathlib.Path, module: str) -> set[str]:
    """Every cjmkit module ``path`` imports, at top level or inside functions."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in found if name == "cjmkit" or name.startswith("cjmkit.")}


def test_every_module_has_a_layer() -> None:
    assert {part_of(module) for module, _ in modules()} <= set(LAYER)


@pytest.mark.parametrize(("module", "path"), modules(), ids=[module for module, _ in modules()])
def test_no_module_imports_a_higher_layer(module: str, path: pathlib.Path) -> None:
    own = LAYER[part_of(module)]
    higher = sorted(
        name for name in imports_of(path, module) if part_of(name) in LAYER and LAYER[part_of(name)] > own
    )
    assert higher == [], f"{module} (layer {own}) imports {higher}"


@pytest.mark.parametrize(
    "package", sorted({part_of(module) for module, _ in modules()} - {"__init__", "__main__"})
)
def test_each_package_imports_alone(package: str) -> None:
    """Imported first in a fresh interpreter, no package needs another to be imported before it."""
    process = subprocess.run(
        [sys.executable, "-c", f"import cjmkit.{package}"], capture_output=True, text=True, timeout=60
    )
    assert process.returncode == 0, process.stderr[-2000:]
