"""`cjm schema` writes JSON Schema generated from the models and detects stale copies."""

from __future__ import annotations

import json
import pathlib

import jsonschema

from cjmkit.schema import build_schemas
from conftest import SCHEMAS, run_cjm


def test_committed_schemas_are_up_to_date() -> None:
    result = run_cjm("schema", "--check", "--out", str(SCHEMAS))
    assert result.exit_code == 0, result.stdout


def test_check_reports_stale_and_missing_files(tmp_path: pathlib.Path) -> None:
    assert run_cjm("schema", "--out", str(tmp_path)).exit_code == 0
    assert run_cjm("schema", "--check", "--out", str(tmp_path)).exit_code == 0
    journey = tmp_path / "journey.schema.json"
    journey.write_text(journey.read_text(encoding="utf-8").replace("Slug", "Slag"), encoding="utf-8")
    (tmp_path / "workspace.schema.json").unlink()
    result = run_cjm("schema", "--check", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "journey.schema.json: out of date" in result.stdout
    assert "workspace.schema.json: out of date" in result.stdout


def test_schemas_are_draft_2020_12_with_descriptions() -> None:
    for name, text in build_schemas().items():
        schema = json.loads(text)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)
        models = [schema, *schema.get("$defs", {}).values()]
        for model in models:
            for field, spec in model.get("properties", {}).items():
                assert spec.get("description"), f"{name}: {model.get('title')}.{field} has no description"


def test_schema_knows_the_format_contract() -> None:
    """Spot checks of FORMAT.md's names and ranges in the generated schema."""
    journey = json.loads(build_schemas()["journey.schema.json"])
    stage = journey["$defs"]["Stage"]["properties"]
    assert set(stage) >= {
        "id", "name", "phase", "customer_goal", "actions", "thoughts", "expectations", "emotion",
        "motivations", "strategy", "touchpoints", "objections", "barriers", "opportunities",
        "kpis", "funnel", "evidence",
    }  # fmt: skip
    emotion = next(s for s in stage["emotion"]["anyOf"] if s.get("type") == "integer")
    assert (emotion["minimum"], emotion["maximum"]) == (-2, 2)
    assert journey["properties"]["cjm"]["const"] == 1
    assert journey["$defs"]["Stage"]["additionalProperties"] is False
    assert journey["properties"]["stages"]["minItems"] == 1
