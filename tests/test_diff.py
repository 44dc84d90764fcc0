"""`cjm diff`: planted changes reported exactly once in every format, folders, --rev, errors, escaping."""

from __future__ import annotations

import io
import json
import os
import pathlib
import re
import shutil
import subprocess
from collections import Counter
from typing import Any

import pytest
import typer
from markdown_it import MarkdownIt
from ruamel.yaml import YAML
from typer.testing import CliRunner

from cjmkit.cli import app as cjm_app
from cjmkit.cli import diff as diff_command
from cjmkit.escaping import md
from cjmkit.semdiff import DIFF_FORMATS
from cjmkit.semdiff.changes import stable_ids
from conftest import EXAMPLES, FIXTURES, Result, run_cjm

EMAIL_SHOP = EXAMPLES / "email-shop" / "journey.yaml"
WORKSPACE_OLD = FIXTURES / "diff" / "workspace-old"
WORKSPACE_NEW = FIXTURES / "diff" / "workspace-new"
HOSTILE = "<script>alert(1)</script> | **bold** [link](javascript:x) `code` \x1b[31m red"


def _local_app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False, rich_markup_mode=None)

    @app.callback()
    def root() -> None:
        """Only so that `diff` stays a sub-command."""

    app.command(name="diff", epilog=diff_command.EPILOG)(diff_command.diff)
    return app


def cjm_diff(*args: str) -> Result:
    """`cjm diff ARGS`, through the real application once the command is registered there."""
    if any(command.name == "diff" for command in cjm_app.registered_commands):
        return run_cjm("diff", *args)
    result = CliRunner().invoke(_local_app(), ["diff", *args], catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


# --- the planted changes ------------------------------------------------------------------------


def _yaml() -> YAML:
    yaml = YAML()
    yaml.width = 4096
    return yaml


def _plain(node: Any) -> Any:
    """ruamel's commented containers as plain JSON data."""
    return json.loads(json.dumps(node))


REFERRAL_STAGE = {
    "id": "referral",
    "name": "Referral",
    "phase": "advocacy",
    "customer_goal": "Recommend the store to a friend",
    "emotion": 1,
    "touchpoints": [{"id": "referral-email", "name": "Refer a friend email", "channel": "email"}],
    "kpis": [
        {
            "id": "referral-rate",
            "name": "Customers who refer a friend",
            "target": 0.05,
            "actual": 0.06,
            "unit": "ratio",
        }
    ],
    "funnel": {"entered": 300, "advanced": 90},
    "evidence": {"level": "data", "sources": ["analytics"]},
}
HIDDEN_FEES = {"id": "hidden-fees", "text": "There might be hidden fees"}


def plant(journey: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Apply the planted changes to a loaded email-shop journey; return the expected change records
    (kind, id, change, field, old, new) in the order the diff documents: NEW document order."""
    stages = {stage["id"]: stage for stage in journey["stages"]}
    registration, first_order, delivery = stages["registration"], stages["first-order"], stages["delivery"]
    welcome = registration["touchpoints"][1]
    signup = registration["kpis"][0]
    sms_rate = delivery["kpis"][2]
    cart_push = next(t for t in first_order["touchpoints"] if t["id"] == "cart-push")
    assert (welcome["id"], signup["id"], sms_rate["id"]) == (
        "welcome-email",
        "signup-rate",
        "sms-delivery-rate",
    )
    old_funnel = _plain(registration["funnel"])
    removed_touchpoint = _plain(cart_push)

    registration["emotion"] = 0  # 1 -> 0: the emotion dip into "First order" is resolved
    welcome["name"] = "Welcome email with your 10% code"
    signup["actual"] = 0.085  # above the 0.08 target: kpi-off-target resolved
    registration["funnel"]["advanced"] = 4680  # 7.5% -> 9.0%
    first_order["touchpoints"].remove(cart_push)
    first_order["objections"].append(dict(HIDDEN_FEES))  # no response: objection-unanswered
    sms_rate["actual"] = 0.9  # 8 % under the 0.98 target: kpi-off-target new
    journey["stages"].insert(2, journey["stages"].pop(4))  # retention moves before delivery
    journey["stages"].append(dict(REFERRAL_STAGE))
    return [
        ("stage", "registration", "changed", "emotion", 1, 0),
        (
            "touchpoint",
            "welcome-email",
            "changed",
            "name",
            "Welcome email with discount code",
            welcome["name"],
        ),
        ("kpi", "signup-rate", "changed", "actual", 0.075, 0.085),
        ("stage", "registration", "changed", "funnel", old_funnel, {**old_funnel, "advanced": 4680}),
        ("touchpoint", "cart-push", "removed", None, removed_touchpoint, None),
        ("objection", "hidden-fees", "added", None, None, HIDDEN_FEES),
        ("stage", "retention", "moved", "position", 5, 3),
        ("kpi", "sms-delivery-rate", "changed", "actual", 0.985, 0.9),
        ("stage", "referral", "added", None, None, REFERRAL_STAGE),
    ]


# (code, stage, subject) of the findings the planted changes add and remove.
NEW_FINDINGS = {
    ("CJM104", "first-order", "hidden-fees"),  # objection without response
    ("CJM201", "delivery", "sms-delivery-rate"),
    ("CJM206", "delivery", "delivery"),  # 1170 enter delivery, retention advanced 337
}
RESOLVED_FINDINGS = {
    ("CJM201", "registration", "signup-rate"),
    ("CJM205", "first-order", "first-order"),
}


def write_planted(source: pathlib.Path, target: pathlib.Path) -> list[tuple[Any, ...]]:
    yaml = _yaml()
    journey = yaml.load(source.read_text(encoding="utf-8"))
    expected = plant(journey)
    out = io.StringIO()
    yaml.dump(journey, out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(out.getvalue(), encoding="utf-8")
    return expected


@pytest.fixture
def planted(tmp_path: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path, list[tuple[Any, ...]]]:
    old = tmp_path / "old" / "journey.yaml"
    old.parent.mkdir()
    shutil.copy(EMAIL_SHOP, old)
    expected = write_planted(EMAIL_SHOP, tmp_path / "new" / "journey.yaml")
    return old, tmp_path / "new" / "journey.yaml", expected


def records(changes: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(c["kind"], c["id"], c["change"], c["field"], c["old"], c["new"]) for c in changes]


def finding_keys(findings: list[dict[str, Any]]) -> list[tuple[str, str | None, str | None]]:
    return [(f["code"], f["stage"], f["subject"]) for f in findings]


def test_each_planted_change_is_one_json_entry(planted: Any) -> None:
    old, new, expected = planted
    result = cjm_diff(str(old), str(new), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["differences"] is True and report["errors"] == [] and report["workspaces"] == []
    [journey] = report["journeys"]
    assert (journey["journey"], journey["status"]) == ("email-shop-lifecycle", "changed")
    assert (journey["file"], journey["old_file"]) == (str(new), str(old))
    assert records(journey["changes"]) == expected
    new_keys, resolved_keys = (
        finding_keys(journey["findings"]["new"]),
        finding_keys(journey["findings"]["resolved"]),
    )
    assert sorted(new_keys) == sorted(NEW_FINDINGS)  # each exactly once
    assert sorted(resolved_keys) == sorted(RESOLVED_FINDINGS)
    # New findings point into NEW, resolved ones into OLD, in line order.
    assert {f["file"] for f in journey["findings"]["new"]} == {str(new)}
    assert {f["file"] for f in journey["findings"]["resolved"]} == {str(old)}
    lines = [f["line"] for f in journey["findings"]["new"]]
    assert lines == sorted(lines)
    assert report["summary"] == {
        "journeys": 1,
        "workspaces": 0,
        "changes": len(expected),
        "new_findings": len(NEW_FINDINGS),
        "resolved_findings": len(RESOLVED_FINDINGS),
    }


def test_summaries_state_the_values_reviewers_read(planted: Any) -> None:
    old, new, _ = planted
    changes = cjm_diff(str(old), str(new), "-f", "json").json()["journeys"][0]["changes"]
    by_target = {(c["kind"], c["id"], c["field"]): c["summary"] for c in changes}
    assert by_target["stage", "registration", "emotion"] == "stage registration emotion 1 → 0"
    assert by_target["kpi", "signup-rate", "actual"] == "KPI signup-rate actual 0.075 → 0.085 (target 0.08)"
    assert by_target["stage", "registration", "funnel"] == (
        "stage registration conversion 7.5% → 9% (+1.5 pp), advanced 3,900 → 4,680"
    )
    assert by_target["stage", "retention", "position"] == "stage retention moved from position 5 to 3"
    assert by_target["touchpoint", "welcome-email", "name"] == (
        'touchpoint welcome-email name "Welcome email with discount code" → '
        '"Welcome email with your 10% code"'
    )


@pytest.mark.parametrize("output_format", ["text", "md"])
def test_each_planted_change_is_one_line_in_text_and_md(planted: Any, output_format: str) -> None:
    old, new, expected = planted
    report = cjm_diff(str(old), str(new), "-f", "json").json()["journeys"][0]
    result = cjm_diff(str(old), str(new), "--format", output_format)
    assert result.exit_code == 0
    shown = (lambda text: text) if output_format == "text" else md
    summaries = [change["summary"] for change in report["changes"]]
    assert len(summaries) == len(expected)
    for summary in summaries:
        lines = [line for line in result.stdout.splitlines() if shown(summary) in line]
        assert len(lines) == 1, (summary, lines)
    for finding in report["findings"]["new"] + report["findings"]["resolved"]:
        lines = [line for line in result.stdout.splitlines() if shown(finding["message"]) in line]
        assert len(lines) == 1, finding["message"]


def test_md_is_a_pull_request_comment(planted: Any) -> None:
    old, new, _ = planted
    output = cjm_diff(str(old), str(new), "--format", "md").stdout
    assert output.startswith("## ")
    # Only what GFM would read as markup is escaped: a heading's hyphens and brackets stay as written.
    assert "### journey email-shop-lifecycle (changed)" in output
    tokens = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).parse(output)
    headings = [
        tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h3"
    ]
    assert headings == ["journey email-shop-lifecycle (changed)"]
    table_rows = [line for line in output.splitlines() if line.startswith("|")]
    assert table_rows and all(line.endswith("|") for line in table_rows)


def test_exit_code_option(planted: Any) -> None:
    old, new, _ = planted
    assert cjm_diff(str(old), str(new)).exit_code == 0
    assert cjm_diff(str(old), str(new), "--exit-code").exit_code == 1


@pytest.mark.parametrize("output_format", ["text", "md", "json"])
def test_identical_inputs_report_no_changes(tmp_path: pathlib.Path, output_format: str) -> None:
    copy = tmp_path / "copy.yaml"
    shutil.copy(EMAIL_SHOP, copy)
    result = cjm_diff(str(EMAIL_SHOP), str(copy), "--format", output_format, "--exit-code")
    assert result.exit_code == 0
    if output_format == "json":
        report = result.json()
        assert (report["differences"], report["journeys"], report["workspaces"]) == (False, [], [])
    else:
        assert "no changes" in result.stdout


def test_identical_folders_report_no_changes() -> None:
    result = cjm_diff(str(EXAMPLES), str(EXAMPLES), "--exit-code")
    assert result.exit_code == 0
    assert "no changes" in result.stdout


def test_output_is_deterministic(planted: Any) -> None:
    old, new, _ = planted
    for output_format in ("text", "md", "json"):
        runs = {cjm_diff(str(old), str(new), "-f", output_format).stdout for _ in range(2)}
        assert len(runs) == 1


# --- moves --------------------------------------------------------------------------------------


def test_moves_are_the_elements_out_of_order_only() -> None:
    assert stable_ids(list("abcde"), list("abdce")) in ({"a", "b", "c", "e"}, {"a", "b", "d", "e"})
    assert stable_ids(list("abcde"), list("eabcd")) == set("abcd")  # one element moved to the front
    assert stable_ids(list("abc"), list("xabyc")) == set("abc")  # insertions move nothing
    assert stable_ids([], []) == set()


def _journey_with_stages(
    tmp_path: pathlib.Path, name: str, order: list[int], extra: bool = False
) -> pathlib.Path:
    yaml = _yaml()
    journey = yaml.load(EMAIL_SHOP.read_text(encoding="utf-8"))
    stages = list(journey["stages"])
    journey["stages"] = [stages[i] for i in order]
    if extra:
        journey["stages"].insert(0, dict(REFERRAL_STAGE, phase="awareness"))
    path = tmp_path / name
    out = io.StringIO()
    yaml.dump(journey, out)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_swapped_neighbours_are_one_move(tmp_path: pathlib.Path) -> None:
    new = _journey_with_stages(tmp_path, "swapped.yaml", [0, 1, 3, 2, 4])
    changes = cjm_diff(str(EMAIL_SHOP), str(new), "-f", "json").json()["journeys"][0]["changes"]
    assert [(c["kind"], c["change"]) for c in changes] == [("stage", "moved")]
    assert (changes[0]["id"], changes[0]["old"], changes[0]["new"]) == ("review", 4, 3)


def test_an_inserted_stage_moves_nothing(tmp_path: pathlib.Path) -> None:
    new = _journey_with_stages(tmp_path, "inserted.yaml", [0, 1, 2, 3, 4], extra=True)
    changes = cjm_diff(str(EMAIL_SHOP), str(new), "-f", "json").json()["journeys"][0]["changes"]
    assert records(changes) == [
        ("stage", "referral", "added", None, None, dict(REFERRAL_STAGE, phase="awareness"))
    ]


# --- folders and workspaces ---------------------------------------------------------------------


def test_folders_pair_journeys_by_id_and_workspaces_by_name() -> None:
    result = cjm_diff(str(WORKSPACE_OLD), str(WORKSPACE_NEW), "-f", "json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    [workspace] = report["workspaces"]
    assert (workspace["status"], workspace["file"]) == ("changed", str(WORKSPACE_NEW / "cjm.yaml"))
    assert records(workspace["changes"]) == [
        ("segment", "families", "changed", "name", "Families", "Families with children"),
        ("segment", "seniors", "added", None, None, {"id": "seniors", "name": "Seniors", "kind": "b2c"}),
        ("persona", "ivan", "moved", "position", 2, 1),
        ("channel", "print", "removed", None, {"id": "print", "name": "Print flyers", "kind": "paid"}, None),
    ]
    assert finding_keys(workspace["findings"]["new"]) == [("CJM106", None, "students")]
    assert finding_keys(workspace["findings"]["resolved"]) == [("CJM109", None, "print")]

    journeys = {j["journey"]: j for j in report["journeys"]}
    assert [j["journey"] for j in report["journeys"]] == [
        "families-journey",
        "seniors-journey",
        "students-journey",
    ]
    families = journeys["families-journey"]
    long_response = (
        "Certified seats for children from 9 months to 6 years, fitted and checked by our staff "
        "before every ride"
    )
    assert records(families["changes"]) == [
        (
            "journey",
            "families-journey",
            "moved",
            "file",
            "journeys/families.yaml",
            "journeys/families-v2.yaml",
        ),
        ("touchpoint", "comparison-email", "moved", "position", 2, 1),
        ("touchpoint", "newsletter", "moved", "stage", "discover", "compare"),
        (
            "objection",
            "child-safety",
            "changed",
            "response",
            "Certified seats, fitted by staff",
            long_response,
        ),
        ("barrier", "no-sizes", "changed", "recommendation", "List frame sizes with rider heights", None),
    ]
    response_summary = families["changes"][3]["summary"]
    assert long_response not in response_summary and "…" in response_summary  # shortened for people
    assert finding_keys(families["findings"]["new"]) == [("CJM105", "compare", "no-sizes")]
    assert families["findings"]["resolved"] == []

    assert journeys["seniors-journey"]["status"] == "added"
    assert journeys["seniors-journey"]["old_file"] is None
    removed = journeys["students-journey"]
    assert removed["status"] == "removed" and removed["changes"] == []
    linted = run_cjm("lint", str(WORKSPACE_OLD), "--format", "json").json()["findings"]
    expected = [(f["code"], f["stage"], f["subject"]) for f in linted if f["journey"] == "students-journey"]
    assert expected and finding_keys(removed["findings"]["resolved"]) == expected


def test_two_files_are_one_journey_even_when_its_id_changed(tmp_path: pathlib.Path) -> None:
    renamed = tmp_path / "renamed.yaml"
    text = EMAIL_SHOP.read_text(encoding="utf-8")
    renamed.write_text(
        text.replace("id: email-shop-lifecycle", "id: northwind-lifecycle", 1), encoding="utf-8"
    )
    report = cjm_diff(str(EMAIL_SHOP), str(renamed), "-f", "json").json()
    [journey] = report["journeys"]
    assert journey["journey"] == "northwind-lifecycle"
    assert records(journey["changes"]) == [
        ("journey", "northwind-lifecycle", "changed", "id", "email-shop-lifecycle", "northwind-lifecycle")
    ]
    assert journey["findings"] == {"new": [], "resolved": []}


def test_file_and_folder_cannot_be_compared() -> None:
    result = cjm_diff(str(EMAIL_SHOP), str(EXAMPLES))
    assert result.exit_code == 2
    assert "two files or two folders" in result.stderr


@pytest.mark.parametrize("arguments", [[], ["one.yaml"], ["a.yaml", "b.yaml", "c.yaml"]])
def test_diff_needs_old_and_new(arguments: list[str]) -> None:
    result = cjm_diff(*arguments)
    assert result.exit_code == 2
    assert "OLD and NEW" in result.stderr


def test_a_missing_path_is_a_usage_error(tmp_path: pathlib.Path) -> None:
    result = cjm_diff(str(EMAIL_SHOP), str(tmp_path / "gone.yaml"))
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


# --- invalid maps -------------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["text", "md", "json"])
def test_invalid_maps_are_reported_not_compared(tmp_path: pathlib.Path, output_format: str) -> None:
    broken = tmp_path / "broken.yaml"
    text = EMAIL_SHOP.read_text(encoding="utf-8").replace("    emotion: -1\n", "    emotion: -7\n", 1)
    broken.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    emotion: -7") + 1
    for old, new in ((EMAIL_SHOP, broken), (broken, EMAIL_SHOP)):
        result = cjm_diff(str(old), str(new), "--format", output_format)
        assert result.exit_code == 1
        if output_format == "json":
            report = result.json()
            assert [(e["file"], e["line"]) for e in report["errors"]] == [(str(broken), line)]
            assert report["journeys"] == [] and report["workspaces"] == []
        else:
            location = f"{broken}:{line}:" if output_format == "text" else md(f"{broken}:{line}:")
            assert location in result.stdout
            assert "Not compared" in result.stdout


# --- escaping -----------------------------------------------------------------------------------


def test_hostile_text_is_escaped(tmp_path: pathlib.Path) -> None:
    yaml = _yaml()
    journey = yaml.load(EMAIL_SHOP.read_text(encoding="utf-8"))
    journey["stages"][0]["touchpoints"][0]["name"] = HOSTILE
    journey["stages"][0]["objections"].append({"id": "hostile", "text": "first line\nsecond line " + HOSTILE})
    new = tmp_path / "hostile.yaml"
    out = io.StringIO()
    yaml.dump(journey, out)
    new.write_text(out.getvalue(), encoding="utf-8")

    markdown = cjm_diff(str(EMAIL_SHOP), str(new), "--format", "md")
    assert markdown.exit_code == 0
    assert "<script" not in markdown.stdout and "\x1b" not in markdown.stdout
    assert "**bold**" not in markdown.stdout and "[link](" not in markdown.stdout
    for row in (line for line in markdown.stdout.splitlines() if line.startswith("|")):
        cells = re.split(r"(?<!\\)\|", row)
        assert len(cells) in (4, 7), row  # "| a | b |" or the five-column findings table
    text = cjm_diff(str(EMAIL_SHOP), str(new))
    assert "\x1b" not in text.stdout
    assert "first line second line" in text.stdout  # one line per change, whatever the map says
    changes = cjm_diff(str(EMAIL_SHOP), str(new), "-f", "json").json()["journeys"][0]["changes"]
    assert changes[0]["new"] == HOSTILE  # JSON keeps the exact text


# --- git revisions ------------------------------------------------------------------------------


def git(repository: pathlib.Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=cjm tests",
            "-c",
            "user.email=tests@cjm.invalid",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repository,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repository(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    """A git repository with the email-shop map and the fixture workspace committed, then edited."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "repo"
    (root / "maps").mkdir(parents=True)
    shutil.copy(EMAIL_SHOP, root / "maps" / "shop.yaml")
    shutil.copytree(WORKSPACE_OLD, root / "bikes")
    git(root, "init", "-q", ".")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "maps")
    return root


def test_rev_compares_the_working_tree_with_a_commit(
    repository: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = write_planted(repository / "maps" / "shop.yaml", repository / "maps" / "shop.yaml")
    shutil.copy(EMAIL_SHOP, repository / "maps" / "shop-copy.yaml")  # not at HEAD
    text = (repository / "maps" / "shop-copy.yaml").read_text(encoding="utf-8")
    (repository / "maps" / "shop-copy.yaml").write_text(
        text.replace("id: email-shop-lifecycle", "id: email-shop-copy", 1), encoding="utf-8"
    )
    monkeypatch.chdir(repository / "maps")
    result = cjm_diff("--rev", "HEAD", "--format", "json", "--exit-code")
    assert result.exit_code == 1, result.stderr
    report = result.json()
    assert (report["old"], report["new"]) == ("HEAD", "working tree")
    journeys = {j["journey"]: j for j in report["journeys"]}
    assert sorted(journeys) == ["email-shop-copy", "email-shop-lifecycle"]
    shop = journeys["email-shop-lifecycle"]
    assert (shop["file"], shop["old_file"]) == ("shop.yaml", "HEAD:maps/shop.yaml")
    assert records(shop["changes"]) == expected
    assert sorted(finding_keys(shop["findings"]["new"])) == sorted(NEW_FINDINGS)
    assert sorted(finding_keys(shop["findings"]["resolved"])) == sorted(RESOLVED_FINDINGS)
    assert {f["file"] for f in shop["findings"]["resolved"]} == {"HEAD:maps/shop.yaml"}
    added = journeys["email-shop-copy"]
    assert (added["status"], added["old_file"], added["changes"]) == ("added", None, [])
    assert added["findings"]["resolved"] == [] and added["findings"]["new"]


def test_rev_with_paths_a_workspace_and_a_deleted_file(
    repository: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bikes = repository / "bikes"
    shutil.copy(WORKSPACE_NEW / "cjm.yaml", bikes / "cjm.yaml")
    shutil.copy(WORKSPACE_NEW / "journeys" / "seniors.yaml", bikes / "journeys" / "seniors.yaml")
    (bikes / "journeys" / "students.yaml").unlink()
    monkeypatch.chdir(repository)
    report = cjm_diff("--rev", "HEAD", "bikes", "maps/shop.yaml", "-f", "json").json()
    [workspace] = report["workspaces"]
    assert (workspace["file"], workspace["old_file"]) == (
        os.path.join("bikes", "cjm.yaml"),
        "HEAD:bikes/cjm.yaml",
    )
    assert [c["change"] for c in workspace["changes"]] == ["changed", "added", "moved", "removed"]
    statuses = {j["journey"]: j["status"] for j in report["journeys"]}
    assert statuses == {"seniors-journey": "added", "students-journey": "removed"}  # shop.yaml unchanged


def test_rev_of_a_single_deleted_file(repository: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repository / "maps" / "shop.yaml").unlink()
    monkeypatch.chdir(repository)
    report = cjm_diff("--rev", "HEAD", "maps/shop.yaml", "-f", "json").json()
    assert [(j["journey"], j["status"], j["file"]) for j in report["journeys"]] == [
        ("email-shop-lifecycle", "removed", "HEAD:maps/shop.yaml")
    ]


def test_rev_without_changes(repository: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repository)
    result = cjm_diff("--rev", "HEAD", "maps", "bikes", "--exit-code")
    assert result.exit_code == 0
    assert "no changes" in result.stdout


def test_bad_revision_is_a_usage_error_with_gits_message(
    repository: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository)
    result = cjm_diff("--rev", "no-such-branch", "maps")
    assert result.exit_code == 2
    assert "no-such-branch" in result.stderr and "git" in result.stderr
    assert result.stdout == ""


def test_rev_outside_a_repository_is_a_usage_error(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    shutil.copy(EMAIL_SHOP, tmp_path / "journey.yaml")
    monkeypatch.chdir(tmp_path)
    result = cjm_diff("--rev", "HEAD", "journey.yaml")
    assert result.exit_code == 2
    assert "not a git repository" in result.stderr


def test_rev_path_missing_on_both_sides(repository: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repository)
    result = cjm_diff("--rev", "HEAD", "maps/nothing.yaml")
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


# --- the command ----------------------------------------------------------------------------------


def test_format_choices_match_the_writers() -> None:
    assert [choice.value for choice in diff_command.DiffFormat] == list(DIFF_FORMATS)
    for name in DIFF_FORMATS:
        assert callable(DIFF_FORMATS[name])  # every lazy "module:function" entry resolves
        assert name in cjm_diff("--help").stdout


def test_help_lists_examples() -> None:
    result = cjm_diff("--help")
    assert result.exit_code == 0
    assert "--rev" in result.stdout and "--exit-code" in result.stdout
    assert Counter(line.strip().startswith("cjm diff") for line in result.stdout.splitlines())[True] >= 3


# --- the maps' language -------------------------------------------------------------------------

FRONT_DOORS = EXAMPLES / "front-doors"
_LATIN_RUN = re.compile(r"[A-Za-z]+(?:[ ]+[A-Za-z]+){2,}")


def _russian_pair(tmp_path: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """front-doors (a Russian workspace) and a copy with one stage renamed, given an objection and
    a lower funnel, and moved."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(FRONT_DOORS, old)
    shutil.copytree(FRONT_DOORS, new)
    yaml = _yaml()
    path = new / "homeowners.yaml"
    journey = yaml.load(path.read_text(encoding="utf-8"))
    stage = journey["stages"][1]
    stage["name"] = stage["name"] + " и замер"
    stage.setdefault("objections", []).append({"id": "too-expensive", "text": "Слишком дорого"})
    stage["touchpoints"][0]["name"] = "Новое имя точки"
    stage["funnel"]["advanced"] = int(stage["funnel"]["advanced"] * 0.8)
    journey["stages"].insert(0, journey["stages"].pop(2))
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(journey, handle)
    return old, new


def _english_from_the_tool(output: str, *sources: pathlib.Path) -> list[str]:
    """Runs of three or more Latin words in ``output`` that no compared YAML file contains."""
    text = " ".join(
        " ".join(path.read_text(encoding="utf-8").split())
        for source in sources
        for path in source.glob("*.yaml")
    )
    return [run for run in _LATIN_RUN.findall(output) if run not in text]


@pytest.mark.parametrize("output_format", ["text", "md"])
def test_a_russian_map_pair_is_reported_in_russian(tmp_path: pathlib.Path, output_format: str) -> None:
    old, new = _russian_pair(tmp_path)
    output = cjm_diff(str(old), str(new), "--format", output_format).stdout
    assert _english_from_the_tool(output, old, new) == []
    for sentence in (
        "карта doors-homeowners (изменена)",
        "добавлено: возражение too-expensive на этапе catalog — «Слишком дорого»",
        "перемещено: этап retargeting с позиции 3 на позицию 1",
        "конверсия 85,2 % → 68,1 % (-17,1 п. п.), advanced 2 300 → 1 840",
        "различия: 1 карта; 5 изменений, 4 новых замечания, 0 устранённых замечаний.",
        "на возражение «Слишком дорого» на этапе «Знакомство с сайтом-каталогом и замер» нет ответа",
    ):
        assert sentence in output.replace("\u00a0", " ").replace("\u202f", " "), sentence
    if output_format == "md":
        assert output.startswith("## Изменения карт пути клиента: ")
        assert "| Изменение | Что |" in output and "| | Важность | Правило | Замечание | Где |" in output
    else:
        assert "  замечания: новых 4, устранено 0" in output


def test_locale_en_forces_english_and_json_stays_english(tmp_path: pathlib.Path) -> None:
    old, new = _russian_pair(tmp_path)
    text = cjm_diff(str(old), str(new), "--locale", "en").stdout
    assert "journey doors-homeowners (changed)" in text
    assert 'objection too-expensive added to stage catalog: "Слишком дорого"' in text
    assert text.rstrip().endswith("differences in 1 journey: 5 changes, 4 new findings, 0 resolved findings.")
    assert not re.search("[а-яА-Я]", _without_map_text(text, old, new))
    report = cjm_diff(str(old), str(new), "--format", "json").json()
    summaries = [change["summary"] for change in report["journeys"][0]["changes"]]
    assert "stage retargeting moved from position 3 to 1" in summaries
    assert cjm_diff(str(old), str(new), "--locale", "xx").exit_code == 2


def _without_map_text(output: str, *sources: pathlib.Path) -> str:
    """``output`` with every quoted map text and finding message removed: only the tool's words."""
    lines = [line for line in output.splitlines() if not line.startswith("    ")]  # finding rows
    return re.sub(r'"[^"]*"', "", "\n".join(lines))


# --- a copy saved outside its workspace ------------------------------------------------------------


@pytest.fixture
def saved_copy(tmp_path: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """The front-door workspace, and a copy of its map saved elsewhere before one change."""
    workspace = tmp_path / "ws"
    shutil.copytree(EXAMPLES / "front-doors", workspace)
    old = tmp_path / "saved" / "homeowners-v1.yaml"
    old.parent.mkdir()
    shutil.copy(workspace / "homeowners.yaml", old)
    journey = workspace / "homeowners.yaml"
    journey.write_text(
        journey.read_text(encoding="utf-8").replace(
            "  average_order_value: 48000", "  average_order_value: 50000"
        ),
        encoding="utf-8",
    )
    return old, journey


def test_a_copy_saved_outside_its_workspace_is_read_in_the_new_maps_workspace(
    saved_copy: tuple[pathlib.Path, pathlib.Path],
) -> None:
    old, new = saved_copy
    result = cjm_diff(str(old), str(new), "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    report = result.json()
    assert report["errors"] == [] and report["unresolved_references"] == []
    [journey] = report["journeys"]
    assert journey["old_file"] == str(old)  # shown as the file the user named, not a scratch copy
    [change] = journey["changes"]
    assert change["field"] == "economics"
    assert (change["old"]["average_order_value"], change["new"]["average_order_value"]) == (48000, 50000)


def test_the_workspace_can_be_named(
    saved_copy: tuple[pathlib.Path, pathlib.Path], tmp_path: pathlib.Path
) -> None:
    old, new = saved_copy
    assert cjm_diff(str(old), str(new), "--workspace", str(new.parent)).exit_code == 0
    result = cjm_diff(str(old), str(new), "--workspace", str(tmp_path / "saved"))
    assert result.exit_code == 2 and "no cjm.yaml in that folder" in result.stderr


def test_references_that_do_not_resolve_are_noted_not_fatal(
    saved_copy: tuple[pathlib.Path, pathlib.Path],
) -> None:
    old, new = saved_copy
    old.write_text(
        old.read_text(encoding="utf-8").replace("segment: homeowners", "segment: old-segment"),
        encoding="utf-8",
    )
    text = cjm_diff(str(old), str(new), "--locale", "en")
    assert text.exit_code == 0
    assert "Compared although 1 reference does not resolve:" in text.stdout
    assert "segment 'old-segment' is not defined" in text.stdout
    report = cjm_diff(str(old), str(new), "--format", "json").json()
    assert [e["code"] for e in report["unresolved_references"]] == ["V202"] and report["journeys"]
