"""Reporters: one function per output format, behind one registry.

The registry feeds the ``--format`` choices, so adding a format is adding
one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from cjmkit.reporters.base import Run
from cjmkit.reporters.github import report_github
from cjmkit.reporters.json import report_json
from cjmkit.reporters.sarif import report_sarif
from cjmkit.reporters.text import report_text

Reporter = Callable[[Run, TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
    "sarif": report_sarif,
}

__all__ = ["REPORTERS", "Reporter", "Run"]
