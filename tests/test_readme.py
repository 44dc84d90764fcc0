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


def test_readme_links_a_screenshot_of_every_example_at_both_widths_and_its_pdf() -> None:
    """docs/screenshots (scripts/screenshots.py) holds, for every example journey, the page at
    1440 and 390 px and two PDF pages; the README links each, and every link resolves."""
    import re

    from conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\((docs/screenshots/[^)]+\.png)\)", text))
    assert all((ROOT / link).is_file() for link in linked)
    journeys = ["b2b-champion", "b2b-economic-buyer", "b2b-end-users", "b2b-it-security",
                "doors-homeowners", "doors-homeowners-future", "email-shop-lifecycle"]  # fmt: skip
    expected = {
        f"docs/screenshots/{name}-{kind}.png"
        for name in journeys
        for kind in ("1440", "390", "pdf", "pdf-grid")
    }
    assert expected <= linked
    assert {"docs/screenshots/index-1440.png", "docs/screenshots/index-390.png"} <= linked
