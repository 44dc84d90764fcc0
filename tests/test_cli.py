"""The command line: exit codes, discovery, output formats, errors without tracebacks."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

from cjmkit import __version__
from conftest import EXAMPLES, ROOT, run_cjm

JOURNEY = """\
cjm: 1
id: mini
title: Mini
channels:
  - id: web
    name: Website
stages:
  - id: visit
    name: Visit
    touchpoints:
      - id: home
        name: Home page
        channel: web
"""


def write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_version() -> None:
    result = run_cjm("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_python_dash_m_and_console_script_agree() -> None:
    module = subprocess.run(
        [sys.executable, "-m", "cjmkit", "--version"], capture_output=True, text=True, check=True
    )
    script = pathlib.Path(sys.executable).parent / "cjm"
    console = subprocess.run([script, "--version"], capture_output=True, text=True, check=True)
    assert module.stdout == console.stdout == f"cjm (cjmkit) {__version__}\n"


def test_valid_file_exits_0(tmp_path: pathlib.Path) -> None:
    result = run_cjm("validate", str(write(tmp_path / "mini.yaml", JOURNEY)))
    assert result.exit_code == 0
    assert "All 1 file valid." in result.stdout


def test_invalid_file_exits_1_with_excerpt(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "mini.yaml", JOURNEY.replace("name: Home page", "nmae: Home page"))
    result = run_cjm("validate", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    head = f"{path}:12:9: V101 unknown key 'nmae' (did you mean 'name'?)"
    assert head in lines
    at = lines.index(head)
    assert lines[at + 1] == "12 |         nmae: Home page"
    assert lines[at + 2] == "   |         ^"
    assert "Found 2 errors in 1 file (1 file checked)." in result.stdout  # unknown key + missing name


def test_missing_path_is_a_usage_error(tmp_path: pathlib.Path) -> None:
    result = run_cjm("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_bad_format_option_is_a_usage_error() -> None:
    result = run_cjm("validate", "--format", "xml", str(EXAMPLES))
    assert result.exit_code == 2
    assert "xml" in result.stderr


def test_folder_without_maps_is_a_usage_error(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "docker-compose.yaml", "services: {}\n")
    result = run_cjm("validate", str(tmp_path))
    assert result.exit_code == 2
    assert "no cjmkit files" in result.stderr


def test_discovery_rule(tmp_path: pathlib.Path) -> None:
    """Folders: cjm.yaml and YAML with a `cjm:` key; hidden and build folders skipped."""
    write(tmp_path / "maps" / "a.yaml", JOURNEY)
    write(tmp_path / "maps" / "b.yml", JOURNEY.replace("id: mini", "id: other"))
    write(tmp_path / "ci.yaml", "on: push\njobs: {}\n")  # not a map: ignored
    write(tmp_path / ".hidden" / "c.yaml", "cjm: 2\n")  # hidden folder: skipped
    write(tmp_path / "node_modules" / "d.yaml", "cjm: 2\n")  # skipped
    write(tmp_path / "notes.txt", "cjm: 2\n")  # not YAML
    result = run_cjm("validate", "--format", "json", str(tmp_path))
    assert result.json() == {"files": 2, "errors": []}
    assert result.exit_code == 0


def test_explicit_file_is_always_checked(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "ci.yaml", "on: push\n")
    result = run_cjm("validate", "--format", "json", str(path))
    assert result.exit_code == 1
    assert [e["code"] for e in result.json()["errors"]] == ["V006"]


def test_no_paths_means_the_workspace_around_the_current_folder(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "cjm.yaml", "cjm: 1\nchannels:\n  - id: web\n    name: Website\n")
    write(tmp_path / "maps" / "a.yaml", JOURNEY.replace("channels:\n  - id: web\n    name: Website\n", ""))
    write(tmp_path / "maps" / "deep" / "b.yaml", JOURNEY.replace("id: mini", "id: mini"))
    monkeypatch.chdir(tmp_path / "maps" / "deep")
    result = run_cjm("validate", "--format", "json")
    report = result.json()
    assert report["files"] == 3
    # b.yaml re-declares the workspace channel and reuses journey id `mini`.
    assert sorted((pathlib.Path(e["file"]).name, e["path"], e["code"]) for e in report["errors"]) == [
        ("b.yaml", "channels[0].id", "V201"),
        ("b.yaml", "id", "V201"),
    ]


def test_journey_finds_its_workspace_when_given_alone(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "cjm.yaml", "cjm: 1\nsegments:\n  - id: owners\n    name: Owners\n")
    journey = write(
        tmp_path / "maps" / "a.yaml", JOURNEY.replace("title: Mini", "title: Mini\nsegment: ownrs")
    )
    report = run_cjm("validate", "--format", "json", str(journey)).json()
    assert report["files"] == 2
    [error] = report["errors"]
    assert (error["line"], error["column"], error["path"], error["code"]) == (4, 10, "segment", "V202")
    assert "did you mean 'owners'" in error["message"]


def test_errors_in_the_workspace_are_reported_in_its_file(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "cjm.yaml", "cjm: 1\nchanels: []\n")
    journey = write(tmp_path / "a.yaml", JOURNEY)
    report = run_cjm("validate", "--format", "json", str(journey)).json()
    [error] = report["errors"]
    assert pathlib.Path(error["file"]).name == "cjm.yaml"
    assert (error["line"], error["column"], error["code"]) == (2, 1, "V101")
    assert "did you mean 'channels'" in error["message"]


def test_github_format_escapes_workflow_command_syntax(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "a,b.yaml", JOURNEY.replace("id: home", "id: 'Home: 100%'"))
    result = run_cjm("validate", "--format", "github", str(path))
    assert result.exit_code == 1
    [line] = result.stdout.splitlines()
    assert line.startswith(
        f"::error file={str(path).replace(':', '%3A').replace(',', '%2C')},line=11,col=13,"
    )
    assert "title=V106 invalid-id::" in line
    assert "'Home: 100%25'" in line  # message data: % escaped, ':' kept


def test_json_lists_every_error_sorted(tmp_path: pathlib.Path) -> None:
    b = write(tmp_path / "b.yaml", JOURNEY.replace("name: Visit", "name: Visit\n    emotion: 5"))
    a = write(tmp_path / "a.yaml", JOURNEY.replace("channel: web", "channel: mail"))
    report = run_cjm("validate", "--format", "json", str(b), str(a)).json()
    assert [(e["file"], e["line"], e["code"]) for e in report["errors"]] == [
        (str(a), 13, "V202"),
        (str(b), 10, "V105"),
    ]
    assert set(report["errors"][0]) >= {"file", "line", "column", "path", "message", "code"}


def test_internal_error_is_one_line_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import cjmkit.pipeline as command

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(command, "load", broken)
    result = run_cjm("validate", str(EXAMPLES))
    assert result.exit_code == 2
    assert "internal error (RuntimeError: boom)" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_every_command_help_ends_with_an_example() -> None:
    commands = ["init", "validate", "lint", "rules", "render", "diff", "convert", "fmt", "schema"]
    for command in [[name] for name in commands] + [["metrics", "import"]]:
        result = run_cjm(*command, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.stdout
        assert result.stdout.rstrip().splitlines()[-1].strip().startswith("cjm ")


def test_unreadable_file_is_reported_not_raised(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that fails to open after discovery (lost permission, a race) is V008, not a crash."""
    import cjmkit.loading.bounded as bounded

    path = write(tmp_path / "a.yaml", JOURNEY)
    real_open = bounded.os.open

    def refusing_open(name: object, *args: int) -> int:
        if pathlib.Path(str(name)).name == "a.yaml":
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(bounded.os, "open", refusing_open)
    result = run_cjm("validate", "--format", "json", str(path))
    assert result.exit_code == 1
    [error] = result.json()["errors"]
    assert (error["code"], error["line"], error["column"]) == ("V008", 1, 1)
    assert "Permission denied" in error["message"]


def test_readme_starts_with_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert [c.split()[0] for c in commands] == ["./scripts/demo.sh", "./scripts/test.sh"]
    for command in commands:
        assert os.access(ROOT / command.split()[0], os.X_OK)
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("exec ./scripts/test.sh")


def test_debug_shows_the_traceback_of_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import cjmkit.pipeline as command

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(command, "load", broken)
    with pytest.raises(RuntimeError, match="boom"):
        run_cjm("--debug", "validate", str(EXAMPLES))


def test_shell_completion_is_offered() -> None:
    result = run_cjm("--help")
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout
