"""Rewrite the generated sections of README.md (format reference, error codes)."""

import pathlib

from cjmkit.reference import replace_sections

readme = pathlib.Path(__file__).resolve().parent.parent / "README.md"
readme.write_text(replace_sections(readme.read_text(encoding="utf-8")), encoding="utf-8")
print(f"updated {readme}")
