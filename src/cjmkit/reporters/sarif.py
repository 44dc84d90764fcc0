"""SARIF 2.1.0, for GitHub code scanning: findings shown on the YAML lines."""

from __future__ import annotations

import functools
import json
import pathlib
import urllib.parse
from typing import Any, TextIO

from cjmkit import __version__, codes
from cjmkit.diagnostics import Severity
from cjmkit.reporters.base import Run
from cjmkit.terminal import SafeJsonWriter

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


@functools.lru_cache(maxsize=1024)  # once per file, not once per diagnostic
def artifact_uri(file: str) -> str:
    path = pathlib.PurePath(file)
    if path.is_absolute():
        return pathlib.Path(path).as_uri()
    return urllib.parse.quote(path.as_posix())


def rule_descriptors() -> list[dict[str, Any]]:
    from cjmkit.analysis.rules import RULES

    descriptors = [
        {
            "id": code.code,
            "name": code.name,
            "shortDescription": {"text": code.summary},
            "defaultConfiguration": {"level": _LEVEL[code.severity]},
        }
        for code in codes.ALL
    ]
    for rule in sorted(RULES.values(), key=lambda r: r.code):
        descriptors.append(
            {
                "id": rule.code,
                "name": rule.slug,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.explanation.split("\n\n", 1)[0].replace("\n", " ")},
                "help": {"text": rule.explanation, "markdown": rule.explanation},
                "defaultConfiguration": {"level": _LEVEL[rule.severity]},
            }
        )
    return descriptors


def report_sarif(run: Run, out: TextIO) -> None:
    descriptors = rule_descriptors()
    index = {descriptor["id"]: i for i, descriptor in enumerate(descriptors)}
    results = []
    for d in run.diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": _LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(d.file)},
                        "region": {"startLine": d.line, "startColumn": d.column},
                    }
                }
            ],
            "partialFingerprints": {"cjmkit/v1": f"{d.code}:{d.file}:{d.path}:{d.subject or ''}"},
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        results.append(result)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cjmkit",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/cjmkit/",
                        "rules": descriptors,
                    }
                },
                "results": results,
            }
        ],
    }
    # Streamed (no second copy as one string); control and bidi characters as \u escapes, so the
    # document is safe to print and parses to the same values.
    writer = SafeJsonWriter(out)
    json.dump(log, writer, ensure_ascii=False, indent=2, allow_nan=False)
    writer.close()
    out.write("\n")
