"""The shipped examples are valid, complete, and agree with the JSON Schema."""

from __future__ import annotations

import datetime
import json
import pathlib
import re
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from cjmkit.loading.document import load_document
from cjmkit.models import Journey
from conftest import EXAMPLES, SCHEMAS, example_files, run_cjm

EXAMPLE_FILES = example_files()
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def plain(value: Any) -> Any:
    """YAML values as JSON would carry them (dates become ISO text)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def schema_for(path: pathlib.Path) -> dict[str, Any]:
    name = "workspace.schema.json" if path.name == "cjm.yaml" else "journey.schema.json"
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def test_the_three_required_examples_exist() -> None:
    assert (EXAMPLES / "front-doors" / "cjm.yaml").is_file()
    assert (EXAMPLES / "email-shop" / "journey.yaml").is_file()
    b2b_journeys = list((EXAMPLES / "b2b-crm").rglob("*.yaml"))
    assert len(b2b_journeys) >= 4  # workspace + one journey per stakeholder segment


def test_every_example_validates() -> None:
    result = run_cjm("validate", "--format", "json", str(EXAMPLES))
    report = result.json()
    assert report["errors"] == []
    assert report["files"] == len(EXAMPLE_FILES)
    assert result.exit_code == 0


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_example_points_vscode_at_the_schema(path: pathlib.Path) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    match = SCHEMA_LINE.match(first_line)
    assert match, f"{path} must start with a yaml-language-server $schema line"
    target = (path.parent / match.group(1)).resolve()
    expected = "workspace.schema.json" if path.name == "cjm.yaml" else "journey.schema.json"
    assert target == (SCHEMAS / expected).resolve()


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_independent_validator_accepts_example(path: pathlib.Path) -> None:
    data = plain(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    errors = list(jsonschema.Draft202012Validator(schema_for(path)).iter_errors(data))
    assert errors == []


def journeys() -> list[Journey]:
    loaded = [load_document(p, str(p)) for p in EXAMPLE_FILES if p.name != "cjm.yaml"]
    return [d.journey for d in loaded if d.journey is not None]


def test_examples_are_complete_maps() -> None:
    """Realistic and complete: KPIs, answered objections, fixed barriers, funnels, evidence; a
    future map has no measured volumes, only target conversions where its proposals act."""
    maps = journeys()
    assert len(maps) >= 7
    assert [j.id for j in maps if j.future] == ["doors-homeowners-future"]
    for journey in maps:
        assert journey.economics is not None, journey.id
        for stage in journey.stages:
            where = f"{journey.id}/{stage.id}"
            assert stage.touchpoints and stage.kpis and stage.evidence, where
            if journey.future:
                funnel = stage.funnel
                assert funnel is None or (funnel.entered is None and funnel.advanced is None), where
                assert funnel is None or funnel.target is not None, where
            else:
                assert stage.funnel and stage.funnel.entered is not None, where
            assert stage.customer_goal and stage.emotion is not None, where
            assert all(o.response for o in stage.objections), where
            assert all(b.recommendation for b in stage.barriers), where
        assert any(stage.objections for stage in journey.stages), journey.id
        assert any(stage.barriers for stage in journey.stages), journey.id


def test_front_door_example_follows_the_seed_path() -> None:
    """Seed 001: search ad, catalogue, three retargeting ads, landing, catalogue by email, offer."""
    document = load_document(EXAMPLES / "front-doors" / "homeowners.yaml", "homeowners.yaml")
    journey = document.journey
    assert journey is not None and journey.locale == "ru"
    channels = [tp.channel for stage in journey.stages for tp in stage.touchpoints]
    facebook = [c for c in channels if "facebook" in c]
    assert len(facebook) >= 3
    assert channels[0].startswith("google")
    assert any("email" in c for c in channels)


def test_front_door_future_map_improves_on_its_baseline() -> None:
    """The to-be map keeps the as-is stages (matched by id), adds one stage, replaces the manager's
    callback, resolves real baseline barriers and objections and leaves the rest standing."""
    folder = EXAMPLES / "front-doors"
    current = load_document(folder / "homeowners.yaml", "homeowners.yaml").journey
    future = load_document(folder / "homeowners-future.yaml", "homeowners-future.yaml").journey
    assert current is not None and future is not None
    assert future.future and not current.future
    assert future.baseline == current.id == "doors-homeowners"
    for field in ("locale", "segment", "persona", "economics"):
        assert getattr(future, field) == getattr(current, field), field

    before = {stage.id: stage for stage in current.stages}
    after = {stage.id: stage for stage in future.stages}
    assert [s for s in after if s in before] == list(before)  # every stage kept, in order
    assert [s for s in after if s not in before] == ["check-in"]

    def touchpoints(journey: Journey) -> set[str]:
        return {tp.id for stage in journey.stages for tp in stage.touchpoints}

    def removable(journey: Journey) -> set[str]:
        return {item.id for stage in journey.stages for item in [*stage.barriers, *stage.objections]}

    assert touchpoints(current) - touchpoints(future) == {"manager-call"}
    added = touchpoints(future) - touchpoints(current)
    assert {"price-calculator", "messenger-consultant", "measurement-booking"} <= added
    resolved = {r for stage in future.stages for tp in stage.touchpoints for r in tp.resolves}
    assert {"no-turnkey-price", "unclear-price", "slow-callback"} <= resolved
    assert resolved <= removable(current)
    assert not resolved & removable(future)  # what is resolved is gone from the future map
    assert removable(current) - resolved <= removable(future)  # the rest still stands

    for stage_id, stage in before.items():
        assert after[stage_id].emotion is not None and stage.emotion is not None
        assert after[stage_id].emotion >= stage.emotion, stage_id
    assert after["catalog"].emotion > before["catalog"].emotion
    assert after["purchase"].emotion > before["purchase"].emotion
    targets = {s.id for s in future.stages if s.funnel is not None and s.funnel.target is not None}
    assert {"catalog", "purchase", "check-in"} <= targets < set(after)
