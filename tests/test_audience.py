"""`cjm render --audience client|team`: what a client deliverable leaves out, and what the team keeps."""

from __future__ import annotations

import html
import json
import pathlib
import re
import shutil

import pytest

from cjmkit.analysis.rules import RULES
from cjmkit.renderers.i18n import Locale
from conftest import EXAMPLES, run_cjm

CODE = re.compile(r"CJM\d{3}")
POSITION = re.compile(r"\.ya?ml:\d+|\b\w+:\d+:\d+\b")
SLUGS = sorted({rule.slug for rule in RULES.values()}, key=len, reverse=True)
EMAIL_SHOP = EXAMPLES / "email-shop" / "journey.yaml"
OWNER = "Lifecycle marketing team, Northwind Home"


def render(out: pathlib.Path, *args: str) -> dict[str, str]:
    result = run_cjm("render", *args, "--to", "html,md,json", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}


def visible_text(page: str) -> str:
    """The text a reader sees: tags, styles and attributes dropped, entities decoded."""
    body = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def texts(files: dict[str, str]) -> dict[str, str]:
    return {name: visible_text(text) if name.endswith(".html") else text for name, text in files.items()}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return render(tmp_path_factory.mktemp("client"), str(EXAMPLES))


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return render(tmp_path_factory.mktemp("team"), str(EXAMPLES), "--audience", "team")


def test_client_output_has_no_rule_code_slug_position_or_owner(client: dict[str, str]) -> None:
    assert len(client) == 7 * 3 + 1  # seven journeys (one the front-door future map), the index
    assert "doors-homeowners-future.html" in client
    for name, text in texts(client).items():
        assert not CODE.search(text), name
        assert not POSITION.search(text), (name, POSITION.search(text))
        for slug in SLUGS:
            assert slug not in text, (name, slug)
        assert OWNER not in text, name


def test_client_json_findings_keep_only_severity_stage_message_and_advice(client: dict[str, str]) -> None:
    for name, text in client.items():
        if name.endswith(".json"):
            document = json.loads(text)
            assert "owner" not in document["journey"]
            for finding in document["analysis"]["findings"]:
                assert set(finding) == {"severity", "stage", "message", "advice"}, name
            for stage in document["analysis"]["stages"]:
                assert not {"file", "line", "column"} & set(stage)


def test_client_findings_are_recommendations_grouped_under_stage_names(client: dict[str, str]) -> None:
    shop = json.loads(client["email-shop-lifecycle.json"])
    names = {s["id"]: s["name"] for s in shop["journey"]["stages"]}
    advice = {f["advice"]: names[f["stage"]] for f in shop["analysis"]["findings"] if f["stage"] in names}
    assert advice
    md = client["email-shop-lifecycle.md"]
    section = md[md.index("## Findings") : md.index("## Weakest stages")]
    headings = re.findall(r"^### (.+)$", section, flags=re.M)
    assert headings == [n for n in names.values() if n in set(advice.values())]  # in the map's order
    for text, stage in advice.items():
        under = section[section.index(f"### {stage}") :]
        under = under[: under.find("\n### ", 1) if "\n### " in under[1:] else len(under)]
        assert text.replace("'", "'") in under.replace("\\", ""), text
    page = visible_text(client["email-shop-lifecycle.html"])
    assert Locale("en").labels["priority_warning"] in page
    for text, stage in advice.items():
        assert stage in page and text in page


def test_team_output_keeps_codes_slugs_and_positions(team: dict[str, str]) -> None:
    md, page = team["email-shop-lifecycle.md"], visible_text(team["email-shop-lifecycle.html"])
    document = json.loads(team["email-shop-lifecycle.json"])
    findings = document["analysis"]["findings"]
    assert findings and all(
        {"code", "slug", "file", "line", "column", "path", "advice"} <= set(f) for f in findings
    )
    first = findings[0]
    for text in (md, page):
        assert first["code"] in text and first["slug"] in text
        assert f"journey.yaml:{first['line']}:{first['column']}" in text
    assert document["journey"]["owner"] == OWNER
    assert OWNER in md and OWNER in page


def test_the_workspace_setting_chooses_the_audience_and_the_flag_overrides_it(tmp_path: pathlib.Path) -> None:
    shutil.copytree(EXAMPLES / "front-doors", tmp_path / "maps")
    workspace = tmp_path / "maps" / "cjm.yaml"
    workspace.write_text(
        workspace.read_text(encoding="utf-8") + "render:\n  audience: team\n", encoding="utf-8"
    )
    from_file = render(tmp_path / "a", str(tmp_path / "maps"))
    assert CODE.search(from_file["doors-homeowners.md"])
    flagged = render(tmp_path / "b", str(tmp_path / "maps"), "--audience", "client")
    assert not CODE.search(flagged["doors-homeowners.md"])
    assert (
        run_cjm(
            "render", str(tmp_path / "maps"), "--audience", "boss", "--out", str(tmp_path / "c")
        ).exit_code
        == 2
    )


def with_internal(tmp_path: pathlib.Path, extra: str = "") -> tuple[pathlib.Path, str]:
    """The email-shop map in a workspace, its first stage's strategy marked internal."""
    folder = tmp_path / "maps"
    folder.mkdir()
    (folder / "cjm.yaml").write_text(f"cjm: 1\nname: Northwind\n{extra}", encoding="utf-8")
    text = EMAIL_SHOP.read_text(encoding="utf-8")
    strategy = re.search(r"^    strategy: >-\n((?:      .+\n)+)", text, flags=re.M)
    assert strategy is not None
    words = " ".join(strategy.group(1).split())
    text = text.replace(strategy.group(0), "    internal: [strategy]\n" + strategy.group(0), 1)
    (folder / "journey.yaml").write_text(text, encoding="utf-8")
    return folder, words


def test_internal_strategy_and_owner_stay_out_of_client_output(tmp_path: pathlib.Path) -> None:
    folder, strategy = with_internal(tmp_path)
    client = texts(render(tmp_path / "client", str(folder)))
    for name, text in client.items():
        flat = " ".join(text.split())
        assert strategy[:60] not in flat, name
        assert OWNER not in flat, name
    team = texts(render(tmp_path / "team", str(folder), "--audience", "team"))
    assert strategy[:60] in " ".join(team["email-shop-lifecycle.html"].split())
    assert json.loads(team["email-shop-lifecycle.json"])["journey"]["stages"][0]["internal"] == ["strategy"]


def test_show_owner_puts_the_owner_in_client_output(tmp_path: pathlib.Path) -> None:
    folder, _ = with_internal(tmp_path, "render:\n  show_owner: true\n")
    client = texts(render(tmp_path / "client", str(folder)))
    assert OWNER in client["email-shop-lifecycle.md"] and OWNER in client["email-shop-lifecycle.html"]
    assert not CODE.search(client["email-shop-lifecycle.md"])


def test_an_unknown_internal_field_is_a_validation_error_at_its_place(tmp_path: pathlib.Path) -> None:
    folder, _ = with_internal(tmp_path)
    path = folder / "journey.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("internal: [strategy]", "internal: [strategy, owner]")
    )
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "internal:" in text)
    result = run_cjm("validate", str(path))
    assert result.exit_code == 1
    assert f"journey.yaml:{line}:" in result.stdout + result.stderr
    assert "'owner' is not allowed" in result.stdout + result.stderr


def test_russian_client_findings_are_russian(client: dict[str, str]) -> None:
    document = json.loads(client["doors-homeowners.json"])
    findings = document["analysis"]["findings"]
    assert findings
    for finding in findings:
        for text in (finding["message"], finding["advice"]):
            assert not re.search(r"\b[A-Za-z]{3,}\s+[a-z]{3,}\b", text.replace("KPI", "")), text
            assert re.search("[а-яё]", text, flags=re.I), text
    md = client["doors-homeowners.md"]
    section = md[md.index("## " + Locale("ru").labels["findings"]) :].split("\n## ", 1)[0]
    for line in section.splitlines():
        if line.startswith("- "):
            assert not re.search(r"\b(the|to|at|of|is|and)\b", line), line


def test_the_command_line_knows_the_format_audiences() -> None:
    from cjmkit.cli.render import AUDIENCES as CLI
    from cjmkit.models.workspace import AUDIENCES

    assert CLI == AUDIENCES
