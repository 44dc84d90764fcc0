"""Stable machine format: ``{"files": N, "errors": [...]}``."""

from __future__ import annotations

import json
from typing import Any, TextIO

from cjmkit.diagnostics import Diagnostic
from cjmkit.reporters.base import Run


def diagnostic_record(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "file": diagnostic.file,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "path": diagnostic.path,
        "message": diagnostic.message,
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": diagnostic.severity.value,
    }


def report_json(run: Run, out: TextIO) -> None:
    document = {"files": run.files, "errors": [diagnostic_record(d) for d in run.diagnostics]}
    out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
