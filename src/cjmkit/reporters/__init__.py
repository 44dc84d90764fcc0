"""Reporters: one function per output format, behind one registry.

The registry feeds the ``--format`` choices and help text, so adding a format is
adding one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from cjmkit.registry import Registry
from cjmkit.reporters.base import Run
from cjmkit.reporters.github import report_github
from cjmkit.reporters.json import report_json
from cjmkit.reporters.sarif import report_sarif
from cjmkit.reporters.text import report_text

Reporter = Callable[[Run, TextIO], None]

REPORTERS: Registry[Reporter] = Registry("output format")
REPORTERS.register("text", "FILE:LINE:COLUMN lines with the source, for people", report_text)
REPORTERS.register("json", "a stable machine-readable document", report_json)
REPORTERS.register("github", "annotations on pull-request lines in GitHub Actions", report_github)
REPORTERS.register("sarif", "SARIF 2.1.0 for code scanning", report_sarif)

__all__ = ["REPORTERS", "Reporter", "Run"]
