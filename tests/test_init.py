"""`cjm init`: every starter workspace validates, lints without errors and renders at once."""

from __future__ import annotations

import json
import pathlib
import re

import jsonschema
import pytest
from ruamel.yaml import YAML

from cjmkit.models import Journey, Workspace
from cjmkit.project import load_project
from cjmkit.scaffold import Language, Template
from cjmkit.schema import build_schemas
from conftest import run_cjm

TEMPLATES = [template.value for template in Template]
LOCALES = [language.value for language in Language]


def test_starters_exist_in_every_locale_of_the_format() -> None:
    from cjmkit.locales import LOCALES as FORMAT_LOCALES

    assert list(FORMAT_LOCALES) == LOCALES


CASES = [(template, locale) for template in TEMPLATES for locale in LOCALES]
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def init(folder: pathlib.Path, *options: str) -> tuple[int, str, str]:
    result = run_cjm("init", str(folder), *options)
    return result.exit_code, result.stdout, result.stderr


def starter(folder: pathlib.Path, template: str, locale: str) -> pathlib.Path:
    code, _, stderr = init(folder, "--template", template, "--locale", locale)
    assert code == 0, stderr
    return folder


def yaml_files(folder: pathlib.Path) -> list[pathlib.Path]:
    return sorted(folder.rglob("*.yaml"))


def snapshot(folder: pathlib.Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("template", "locale"), CASES)
def test_starter_validates_lints_without_errors_and_renders(
    tmp_path: pathlib.Path, template: str, locale: str
) -> None:
    folder = starter(tmp_path / "maps", template, locale)
    validated = run_cjm("validate", str(folder))
    assert validated.exit_code == 0, validated.stdout
    linted = run_cjm("lint", str(folder), "--fail-on", "error", "--format", "json")
    assert linted.exit_code == 0, linted.stdout
    out = tmp_path / "out"
    rendered = run_cjm("render", str(folder), "--to", "html,md", "--out", str(out))
    assert rendered.exit_code == 0, rendered.stderr
    project = load_project([folder])
    for journey in project.journeys:
        assert journey.journey is not None
        assert (out / f"{journey.journey.id}.html").is_file()
        assert (out / f"{journey.journey.id}.md").is_file()
    assert (out / "index.html").is_file()


@pytest.mark.parametrize(("template", "locale"), CASES)
def test_every_stage_shows_each_part_of_the_method(
    tmp_path: pathlib.Path, template: str, locale: str
) -> None:
    project = load_project([starter(tmp_path, template, locale)])
    assert project.journeys
    for document in project.journeys:
        journey = document.journey
        assert isinstance(journey, Journey), document.diagnostics
        previous_advanced = None
        for stage in journey.stages:
            assert stage.customer_goal and stage.phase, stage.id
            assert stage.touchpoints, stage.id
            assert stage.objections and all(o.response for o in stage.objections), stage.id
            assert stage.barriers and all(b.recommendation for b in stage.barriers), stage.id
            assert stage.kpis and all(k.actual is not None for k in stage.kpis), stage.id
            assert stage.funnel is not None and stage.evidence is not None, stage.id
            if previous_advanced is not None:
                assert stage.funnel.entered <= previous_advanced, stage.id
            previous_advanced = stage.funnel.advanced


@pytest.mark.parametrize(("template", "locale"), CASES)
def test_one_journey_per_segment_and_complete_personas(
    tmp_path: pathlib.Path, template: str, locale: str
) -> None:
    project = load_project([starter(tmp_path, template, locale)])
    [workspace_document] = project.workspaces
    workspace = workspace_document.workspace
    assert isinstance(workspace, Workspace)
    assert workspace.locale == locale
    mapped = sorted(d.journey.segment or "" for d in project.journeys if d.journey)
    assert mapped == sorted(segment.id for segment in workspace.segments)
    for segment in workspace.segments:
        assert (tmp_path / "journeys" / f"{segment.id}.yaml").is_file()
        [persona] = [p for p in workspace.personas if p.segment == segment.id]
        assert persona.jtbd and persona.needs and persona.pains
        assert persona.motivations and persona.motivations.rational and persona.motivations.emotional


@pytest.mark.parametrize("locale", LOCALES)
def test_b2b_has_the_buying_committee(tmp_path: pathlib.Path, locale: str) -> None:
    project = load_project([starter(tmp_path, "b2b", locale)])
    workspace = project.workspaces[0].workspace
    assert workspace is not None
    assert {s.kind for s in workspace.segments} == {"b2b-stakeholder"}
    assert {"economic-buyer", "champion", "it-security"} <= {s.id for s in workspace.segments}


@pytest.mark.parametrize("locale", LOCALES)
def test_email_template_runs_from_registration_to_repeat_over_messaging_channels(
    tmp_path: pathlib.Path, locale: str
) -> None:
    project = load_project([starter(tmp_path, "email", locale)])
    [document] = project.journeys
    assert document.journey is not None
    stages = document.journey.stages
    assert [s.id for s in stages] == ["registration", "first-order", "delivery", "review", "repeat-order"]
    used = {tp.channel for stage in stages for tp in stage.touchpoints}
    assert {"email", "sms", "push"} <= used
    messages = [tp for stage in stages for tp in stage.touchpoints if tp.channel != "website"]
    assert all(tp.trigger for tp in messages)


@pytest.mark.parametrize(("template", "locale"), CASES)
def test_text_and_comments_are_in_the_chosen_language(
    tmp_path: pathlib.Path, template: str, locale: str
) -> None:
    folder = starter(tmp_path, template, locale)
    assert f"\nlocale: {locale}" in (folder / "cjm.yaml").read_text(encoding="utf-8")
    for path in yaml_files(folder):
        lines = path.read_text(encoding="utf-8").splitlines()
        comments = [line for line in lines[1:] if line.lstrip().startswith("#")]
        inline = [line for line in lines if " # " in line and not line.lstrip().startswith("#")]
        assert len(comments) >= 3 and inline, path
        values = [line for line in lines if not line.lstrip().startswith("#")]
        if locale == "ru":
            assert all(CYRILLIC.search(comment) for comment in comments[:3]), path
            assert sum(bool(CYRILLIC.search(line)) for line in values) >= 10, path
        else:
            assert not any(CYRILLIC.search(line) for line in lines), path


@pytest.mark.parametrize(("template", "locale"), CASES)
def test_schema_modeline_resolves_to_the_written_schema(
    tmp_path: pathlib.Path, template: str, locale: str
) -> None:
    folder = starter(tmp_path, template, locale)
    schemas = build_schemas()
    for path in yaml_files(folder):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = MODELINE.match(first)
        assert match, path
        schema_file = (path.parent / match.group(1)).resolve()
        expected = "workspace.schema.json" if path.name == "cjm.yaml" else "journey.schema.json"
        assert schema_file == (folder / "schemas" / expected).resolve()
        assert schema_file.read_text(encoding="utf-8") == schemas[expected]
        # What the editor does with the modeline: the file passes its schema.
        jsonschema.validate(YAML(typ="safe").load(path), json.loads(schemas[expected]))


def test_defaults_are_b2c_in_english_in_the_current_folder(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = tmp_path / "current"
    current.mkdir()
    monkeypatch.chdir(current)
    result = run_cjm("init")
    assert result.exit_code == 0, result.stderr
    assert "\nlocale: en" in (current / "cjm.yaml").read_text(encoding="utf-8")
    assert snapshot(current) == snapshot(starter(tmp_path / "explicit", "b2c", "en"))


def test_missing_folders_are_created_and_the_next_steps_printed(tmp_path: pathlib.Path) -> None:
    folder = tmp_path / "client" / "cjm" / "2026"
    code, stdout, _ = init(folder)
    assert code == 0
    written = [line.removeprefix("wrote ") for line in stdout.splitlines() if line.startswith("wrote ")]
    assert sorted(pathlib.Path(p) for p in written) == sorted(p for p in folder.rglob("*") if p.is_file())
    for command in ("validate", "lint", "render"):
        assert f"cjm {command} {folder}" in stdout


def test_existing_files_are_listed_and_nothing_is_written(tmp_path: pathlib.Path) -> None:
    folder = starter(tmp_path / "maps", "b2b", "en")
    edited = folder / "journeys" / "champion.yaml"
    edited.write_text("# my own map\n", encoding="utf-8")
    removed = folder / "journeys" / "it-security.yaml"
    removed.unlink()
    before = snapshot(folder)
    code, stdout, stderr = init(folder, "--template", "b2b")
    assert code == 1
    assert str(edited) in stderr and str(folder / "cjm.yaml") in stderr
    assert str(removed) not in stderr
    assert "nothing was written" in stderr and "wrote" not in stdout
    assert snapshot(folder) == before
    assert not removed.exists()


def test_one_existing_file_blocks_the_whole_workspace(tmp_path: pathlib.Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "journey.schema.json").write_text("{}", encoding="utf-8")
    code, _, stderr = init(tmp_path, "--template", "email")
    assert code == 1
    assert "journey.schema.json" in stderr
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["journey.schema.json"]


def test_force_overwrites_the_starter_files(tmp_path: pathlib.Path) -> None:
    fresh = snapshot(starter(tmp_path / "fresh", "email", "ru"))
    folder = starter(tmp_path / "maps", "email", "ru")
    (folder / "cjm.yaml").write_text("cjm: 1\n", encoding="utf-8")
    (folder / "schemas" / "workspace.schema.json").unlink()
    mine = folder / "journeys" / "mine.yaml"
    mine.write_text("# not a starter file\n", encoding="utf-8")
    code, _, stderr = init(folder, "--template", "email", "--locale", "ru", "--force")
    assert code == 0, stderr
    assert snapshot(folder) == {**fresh, "journeys/mine.yaml": b"# not a starter file\n"}


@pytest.mark.parametrize("option", [("--template", "b2g"), ("--locale", "de")])
def test_unknown_template_or_locale_is_a_usage_error(tmp_path: pathlib.Path, option: tuple[str, str]) -> None:
    code, _, _ = init(tmp_path / "maps", *option)
    assert code == 2
    assert not (tmp_path / "maps").exists()


def test_a_file_in_the_way_of_a_folder_is_a_usage_error(tmp_path: pathlib.Path) -> None:
    target = tmp_path / "maps.yaml"
    target.write_text("not a folder\n", encoding="utf-8")
    assert init(target)[0] == 2
    (tmp_path / "journeys").write_text("not a folder\n", encoding="utf-8")
    code, _, stderr = init(tmp_path)
    assert code == 2
    assert "journeys" in stderr and "not a folder" in stderr
    assert not (tmp_path / "cjm.yaml").exists()


def test_help_ends_with_an_example() -> None:
    result = run_cjm("init", "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].strip().startswith("cjm init")


@pytest.mark.parametrize("template", ["b2c", "b2b", "email"])
@pytest.mark.parametrize("locale", ["en", "ru"])
def test_starter_is_already_formatted(tmp_path: pathlib.Path, template: str, locale: str) -> None:
    """`cjm fmt --check` (the pre-commit hook) passes on a fresh starter."""
    assert run_cjm("init", str(tmp_path), "--template", template, "--locale", locale).exit_code == 0
    result = run_cjm("fmt", "--check", str(tmp_path))
    assert result.exit_code == 0, result.stdout + result.stderr
