"""The README's generated sections match the code."""

from __future__ import annotations

from cjmkit.reference import replace_sections
from conftest import ROOT


def test_generated_readme_sections_are_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert replace_sections(readme) == readme, "run: .venv/bin/python scripts/update_readme.py"


def test_format_reference_lists_every_model_field() -> None:
    from cjmkit.models import Journey, Stage, Touchpoint

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for model in (Journey, Stage, Touchpoint):
        for field in model.model_fields:
            assert f"| `{field}` |" in readme
