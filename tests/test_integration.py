"""Integration files: pre-commit hooks run as pre-commit runs them; the GitHub files run cjm right."""

from __future__ import annotations

import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys

import pytest
from ruamel.yaml import YAML

from conftest import EXAMPLES, ROOT

BIN = pathlib.Path(sys.executable).parent
ENVIRONMENT = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
HOOKS = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def sample_repository(tmp_path: pathlib.Path) -> pathlib.Path:
    """A repository of maps with other YAML beside them, as a team would have it."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "b2b-crm", repo / "maps")
    shutil.copytree(EXAMPLES / "email-shop", repo / "email")
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "ci.yml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    return repo


def staged_files(repo: pathlib.Path, hook: dict[str, object]) -> list[str]:
    """The files pre-commit would pass: staged, filtered by the hook's `types` and `files`."""
    listed = subprocess.run(["git", "-C", str(repo), "ls-files"], capture_output=True, text=True, check=True)
    files = listed.stdout.split()
    assert hook.get("types") == ["yaml"]
    files = [f for f in files if f.endswith((".yaml", ".yml"))]
    pattern = re.compile(str(hook.get("files", "")))
    return [f for f in files if pattern.search(f)]


def run_hook(repo: pathlib.Path, hook_id: str) -> subprocess.CompletedProcess[str]:
    hook = next(h for h in HOOKS if h["id"] == hook_id)
    assert hook["language"] == "python"
    command = shlex.split(hook["entry"]) + list(hook.get("args", [])) + staged_files(repo, hook)
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, env=ENVIRONMENT)


def test_hooks_are_declared() -> None:
    assert [h["id"] for h in HOOKS] == ["cjm-validate", "cjm-lint", "cjm-fmt"]


@pytest.mark.parametrize("hook_id", ["cjm-validate", "cjm-lint", "cjm-fmt"])
def test_hook_passes_on_good_maps_and_skips_other_yaml(tmp_path: pathlib.Path, hook_id: str) -> None:
    repo = sample_repository(tmp_path)
    process = run_hook(repo, hook_id)
    assert process.returncode == 0, process.stdout + process.stderr
    assert "ci.yml" not in process.stdout and ".pre-commit-config" not in process.stdout


def test_validate_hook_fails_on_a_broken_map(tmp_path: pathlib.Path) -> None:
    repo = sample_repository(tmp_path)
    broken = repo / "maps" / "journeys" / "champion.yaml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("emotion: 1", "emotion: 5", 1), encoding="utf-8"
    )
    process = run_hook(repo, "cjm-validate")
    assert process.returncode == 1
    assert re.search(r"maps/journeys/champion\.yaml:\d+:\d+: V105 ", process.stdout)


def test_lint_hook_fails_on_an_error_finding(tmp_path: pathlib.Path) -> None:
    repo = sample_repository(tmp_path)
    journey = repo / "email" / "journey.yaml"
    text = journey.read_text(encoding="utf-8")
    journey.write_text(re.sub(r"\n(\s+)response: [^\n]+", "", text, count=1), encoding="utf-8")
    process = run_hook(repo, "cjm-lint")
    assert process.returncode == 1
    assert "objection-unanswered (CJM104)" in process.stdout


def test_fmt_hook_reformats_a_map_and_fails_the_commit(tmp_path: pathlib.Path) -> None:
    repo = sample_repository(tmp_path)
    journey = repo / "email" / "journey.yaml"
    original = journey.read_text(encoding="utf-8")
    # title before id: not canonical order
    journey.write_text(original.replace("id: email-shop-lifecycle\ntitle:", "title:", 1).replace(
        "\nowner:", "\nid: email-shop-lifecycle\nowner:", 1), encoding="utf-8")  # fmt: skip
    first = run_hook(repo, "cjm-fmt")
    assert first.returncode == 0 and "reformatted email/journey.yaml" in first.stdout
    # pre-commit fails a hook that modified files, so the commit stops for review
    assert journey.read_text(encoding="utf-8") == original  # rewritten to the canonical order...
    assert run_hook(repo, "cjm-fmt").returncode == 0  # ...and stable on the second run
    assert run_hook(repo, "cjm-validate").returncode == 0


def test_hooks_pass_quietly_when_no_map_is_staged(tmp_path: pathlib.Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "ci.yml").write_text("on: push\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    for hook_id in ("cjm-validate", "cjm-lint", "cjm-fmt"):
        assert run_hook(repo, hook_id).returncode == 0


def cjm_commands(path: pathlib.Path) -> list[str]:
    """Every `cjm ...` command line in a GitHub Actions file's `run:` steps."""
    document = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    steps = document["runs"]["steps"] if "runs" in document else document["jobs"]["cjm"]["steps"]
    commands = []
    for step in steps:
        for line in str(step.get("run", "")).splitlines():
            if line.strip().startswith("cjm "):
                commands.append(line.strip())
    return commands


def test_action_runs_validate_lint_and_render(tmp_path: pathlib.Path) -> None:
    action = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))
    defaults = {name: spec["default"] for name, spec in action["inputs"].items()}
    defaults["paths"] = str(EXAMPLES)
    defaults["out"] = str(tmp_path / "out")
    commands = cjm_commands(ROOT / "action.yml")
    assert [c.split()[1] for c in commands] == ["validate", "lint", "render"]
    for command in commands:
        line = re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: defaults[m.group(1)], command)
        process = subprocess.run(
            shlex.split(line), capture_output=True, text=True, cwd=tmp_path, env=ENVIRONMENT
        )
        assert process.returncode == 0, (line, process.stdout, process.stderr)
    assert (tmp_path / "out" / "index.html").is_file()


def test_workflow_example_commands_work(tmp_path: pathlib.Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "maps")
    for command in cjm_commands(ROOT / "docs" / "github-workflow.yml"):
        line = command.replace(" || true", "").split(" > ")[0]
        process = subprocess.run(
            shlex.split(line), capture_output=True, text=True, cwd=tmp_path, env=ENVIRONMENT
        )
        assert process.returncode == 0, (line, process.stdout[-2000:], process.stderr[-2000:])
