"""JSON Schema (draft 2020-12) of the journey and workspace files, generated from the models."""

from __future__ import annotations

import json
import pathlib
from typing import Any

from pydantic import BaseModel

from cjmkit.models import Journey, Workspace

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "journey.schema.json": Journey,
    "workspace.schema.json": Workspace,
}


def build_schemas() -> dict[str, str]:
    """File name -> schema text, exactly as committed."""
    texts: dict[str, str] = {}
    for name, model in SCHEMA_FILES.items():
        schema: dict[str, Any] = {"$schema": DIALECT, **model.model_json_schema()}
        schema["title"] = f"cjmkit {model.__name__.lower()} file (format version 1)"
        if model is Workspace:
            _declare_rule_options(schema)
        texts[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    return texts


def _declare_rule_options(schema: dict[str, Any]) -> None:
    """`analysis.thresholds` is a mapping in the model; its keys are the options the rules
    declare, so editors complete and range-check them and the README documents them."""
    from cjmkit.analysis.rules.registry import OPTIONS

    thresholds = schema["$defs"]["AnalysisSettings"]["properties"]["thresholds"]
    properties: dict[str, Any] = {}
    for name, option in sorted(OPTIONS.items()):
        spec: dict[str, Any] = {"type": "number", "description": option.summary, "default": option.default}
        if option.minimum is not None:
            spec["minimum"] = option.minimum
        if option.maximum is not None:
            spec["maximum"] = option.maximum
        properties[name] = spec
    thresholds.pop("additionalProperties", None)
    thresholds.pop("title", None)
    thresholds["properties"] = properties
    thresholds["additionalProperties"] = False


def stale_schemas(folder: pathlib.Path) -> list[pathlib.Path]:
    """Schema files in ``folder`` that are missing or differ from the models."""
    stale = []
    for name, text in build_schemas().items():
        target = folder / name
        try:
            current = target.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != text:
            stale.append(target)
    return stale


def write_schemas(folder: pathlib.Path) -> list[pathlib.Path]:
    from cjmkit.output import write_atomic

    written = []
    for name, text in build_schemas().items():
        target = folder / name
        write_atomic(target, text)
        written.append(target)
    return written
