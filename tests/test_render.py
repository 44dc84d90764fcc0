"""`cjm render`: Markdown, DOT, CSV and JSON outputs, determinism, safety and errors."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import pathlib
import re
import shutil
import subprocess
import zlib

import pytest

from cjmkit.renderers import FORMATS
from conftest import EXAMPLES, FIXTURES, run_cjm

GOLDEN = pathlib.Path(__file__).parent / "golden" / "render"
HOSTILE = FIXTURES / "hostile" / "journey.yaml"
EMAIL_SHOP = EXAMPLES / "email-shop" / "journey.yaml"
DANGEROUS_HTML = re.compile(r"<\s*(script|img|a|b|style|iframe)\b", re.IGNORECASE)


def render(*args: str) -> tuple[int, str, str]:
    result = run_cjm("render", *args)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["md", "dot", "csv"])
def test_golden_outputs_of_an_example(tmp_path: pathlib.Path, fmt: str, update_golden: bool) -> None:
    """Regenerate with `./scripts/test.sh --update-golden` after an intended change."""
    code, _, _ = render(str(EMAIL_SHOP), "--to", fmt, "--out", str(tmp_path))
    assert code == 0
    produced = (tmp_path / f"email-shop-lifecycle.{fmt}").read_text(encoding="utf-8")
    golden = GOLDEN / f"email-shop-lifecycle.{fmt}"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8")


def test_output_is_byte_identical_across_runs(tmp_path: pathlib.Path) -> None:
    formats = "html,md,dot,svg,png,csv,json"
    for run in ("a", "b"):
        assert render(str(EXAMPLES), "--to", formats, "--out", str(tmp_path / run))[0] == 0
        assert render(str(EMAIL_SHOP), "--to", "pdf", "--out", str(tmp_path / run))[0] == 0  # PDF is slow
    first = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert first == sorted(p.name for p in (tmp_path / "b").iterdir())
    # Seven journeys (the front-door future map among them) in seven formats, the B2B committee
    # diagram in three (dot, svg, png), the workspace index, one PDF.
    assert len(first) == 7 * 7 + 3 + 1 + 1
    assert {f"doors-homeowners-future.{ext}" for ext in formats.split(",")} <= set(first)
    for name in first:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_defaults_html_and_md_into_build_cjm(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(EXAMPLES / "b2b-crm", tmp_path / "b2b-crm")
    monkeypatch.chdir(tmp_path / "b2b-crm")
    code, stdout, _ = render()
    assert code == 0
    written = sorted(p.name for p in (tmp_path / "b2b-crm" / "build" / "cjm").iterdir())
    assert written == sorted(
        [f"b2b-{name}.{ext}" for name in ("champion", "economic-buyer", "end-users", "it-security")
         for ext in ("html", "md")] + ["index.html"]
    )  # fmt: skip
    assert "wrote build/cjm/index.html" in stdout
    index = (tmp_path / "b2b-crm" / "build" / "cjm" / "index.html").read_text(encoding="utf-8")
    for name in ("champion", "economic-buyer", "end-users", "it-security"):
        assert f'href="b2b-{name}.html"' in index


def test_a_standalone_journey_gets_no_index(tmp_path: pathlib.Path) -> None:
    assert render(str(EMAIL_SHOP), "--out", str(tmp_path))[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "email-shop-lifecycle.html",
        "email-shop-lifecycle.md",
    ]


def test_invalid_map_is_reported_and_the_others_still_render(tmp_path: pathlib.Path) -> None:
    maps = tmp_path / "maps"
    maps.mkdir()
    shutil.copy(EMAIL_SHOP, maps / "good.yaml")
    (maps / "bad.yaml").write_text("cjm: 1\nid: bad\ntitle: Bad\nstages: []\n", encoding="utf-8")
    code, _, stderr = render(str(maps), "--to", "md", "--out", str(tmp_path / "out"))
    assert code == 1
    assert "cannot render" in stderr and "bad.yaml" in stderr and "V105" in stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["email-shop-lifecycle.md"]


@pytest.mark.parametrize(
    "args",
    [
        ["--to", "html,docx"],
        ["--to", ""],
        ["--brand-color", "red"],
        ["--brand-color", "#12345g"],
        ["--locale", "de"],
        ["--templates", "/nonexistent-folder"],
        ["--logo", "/nonexistent.png"],
    ],
)
def test_usage_errors_exit_2_and_write_nothing(tmp_path: pathlib.Path, args: list[str]) -> None:
    code, _, stderr = render(str(EMAIL_SHOP), *args, "--out", str(tmp_path / "out"))
    assert code == 2, stderr
    assert not (tmp_path / "out").exists()


def test_without_graphviz_svg_fails_clearly_but_dot_works(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "dot" else real_which(name))
    code, _, stderr = render(str(EMAIL_SHOP), "--to", "svg", "--out", str(tmp_path / "svg"))
    assert code == 2
    assert "apt-get install graphviz" in stderr and "--to dot" in stderr
    assert not (tmp_path / "svg").exists()
    assert render(str(EMAIL_SHOP), "--to", "dot", "--out", str(tmp_path / "dot"))[0] == 0
    assert (tmp_path / "dot" / "email-shop-lifecycle.dot").read_text(encoding="utf-8").startswith("digraph")


NEEDING = [name for name, spec in FORMATS.items() if spec.prerequisites]


@pytest.mark.parametrize("fmt", NEEDING)
def test_a_missing_prerequisite_stops_the_render_with_the_registry_message(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    spec = FORMATS[fmt]
    unavailable = tuple(dataclasses.replace(p, available=lambda: False) for p in spec.prerequisites)
    monkeypatch.setitem(FORMATS, fmt, dataclasses.replace(spec, prerequisites=unavailable))
    # html first: nothing may be written before the check, not even the formats that could be.
    code, stdout, stderr = render(str(EXAMPLES), "--to", f"html,{fmt}", "--out", str(tmp_path / "out"))
    assert code == 2
    assert str(spec.prerequisites[0].missing([fmt])) in stderr
    assert "wrote" not in stdout
    assert not (tmp_path / "out").exists()


def test_every_format_that_needs_something_says_so_in_its_description() -> None:
    assert NEEDING == ["pdf", "svg", "png"]
    for fmt in NEEDING:
        assert FORMATS[fmt].description.endswith(f"(needs {FORMATS[fmt].prerequisites[0].name})")


def test_pdf_is_a_landscape_document(tmp_path: pathlib.Path) -> None:
    assert render(str(EMAIL_SHOP), "--to", "pdf", "--out", str(tmp_path))[0] == 0
    data = (tmp_path / "email-shop-lifecycle.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    # Page objects may sit in compressed object streams: inflate every stream to find them.
    chunks = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    boxes = [m for chunk in chunks for m in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", chunk)]
    assert boxes
    for width, height in boxes:
        assert float(width) > float(height)  # landscape


def test_every_dot_output_parses_with_dot(tmp_path: pathlib.Path) -> None:
    assert render(str(EXAMPLES), str(HOSTILE), "--to", "dot", "--out", str(tmp_path))[0] == 0
    outputs = sorted(tmp_path.glob("*.dot"))
    # Seven example journeys (one a future map), the hostile one, the B2B committee.
    assert len(outputs) == 8 + 1
    assert tmp_path / "doors-homeowners-future.dot" in outputs
    for path in outputs:
        process = subprocess.run(["dot", "-Tsvg", str(path)], capture_output=True, text=True)
        assert process.returncode == 0 and not process.stderr, (path.name, process.stderr)


def test_hostile_text_is_inert_in_dot(tmp_path: pathlib.Path) -> None:
    render(str(HOSTILE), "--to", "dot,svg", "--out", str(tmp_path))
    source = (tmp_path / "hostile.dot").read_text(encoding="utf-8")
    assert "<script" not in source and "&lt;script&gt;" in source
    node_ids = re.findall(r"^\s*(\S+) \[label=", source, re.MULTILINE)
    assert node_ids == ["tp0", "tp1", "legend"]  # ids are generated, never map text
    svg = (tmp_path / "hostile.svg").read_text(encoding="utf-8")
    assert "<script" not in svg
    assert "Touch &quot;one&quot; }{ \\l \\N &lt;br/&gt;" in svg  # shown literally


def test_hostile_text_is_inert_in_markdown(tmp_path: pathlib.Path) -> None:
    render(str(HOSTILE), "--to", "md", "--out", str(tmp_path))
    report = (tmp_path / "hostile.md").read_text(encoding="utf-8")
    assert not DANGEROUS_HTML.search(report)
    assert "](javascript" not in report  # no live link
    # Escaping is by position: braces are not GFM markup, so the template text is kept as written
    # (never evaluated to 49), and what a reader renders has no raw HTML and no live link.
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(report)
    assert "{{ 7*7 }}" in rendered and "49" not in rendered
    assert not DANGEROUS_HTML.search(rendered)
    assert not re.search(r"<a\b|href=", rendered, re.IGNORECASE)
    # tables keep their shape: every row of the stage table has the header's cell count
    table = [line for line in report.splitlines() if line.startswith("| **") or line.startswith("| Stage")]
    cells = {len(re.findall(r"(?<!\\)\|", line)) for line in table}
    assert cells == {9}
    # the Mermaid block is one block: it opens once and closes once, with no stray syntax inside
    block = report.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert report.count("```") == 2
    for line in block.splitlines()[2:]:
        if line.strip().startswith("section"):
            assert ":" not in line
        else:
            assert re.fullmatch(r"\s+[^:;#]+: [1-5]: [^:;#]+|\s+[^:;#]+: [1-5]", line), line


def test_hostile_text_is_inert_in_csv_and_json(tmp_path: pathlib.Path) -> None:
    render(str(HOSTILE), "--to", "csv,json", "--out", str(tmp_path))
    rows = list(csv.reader(io.StringIO((tmp_path / "hostile.csv").read_text(encoding="utf-8"))))
    assert all(len(row) == len(rows[0]) for row in rows)
    for row in rows[1:]:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@") or re.fullmatch(r"-?\d+(\.\d+)?", cell), cell
    exported = json.loads((tmp_path / "hostile.json").read_text(encoding="utf-8"))
    assert exported["journey"]["title"].startswith("<script>")  # data stays data
    assert exported["analysis"]["findings"]


def test_markdown_mermaid_scores_are_emotion_plus_3(tmp_path: pathlib.Path) -> None:
    render(str(EMAIL_SHOP), "--to", "md", "--out", str(tmp_path))
    block = (tmp_path / "email-shop-lifecycle.md").read_text(encoding="utf-8").split("```mermaid\n")[1]
    assert "      Cart and checkout: 2: Online store (web and mobile web)" in block  # emotion -1
    assert "      Second order on the website: 5: " in block  # emotion +2


def test_russian_map_gets_russian_headings_dates_and_numbers(tmp_path: pathlib.Path) -> None:
    render(str(EXAMPLES / "front-doors"), "--to", "md", "--out", str(tmp_path))
    report = (tmp_path / "doors-homeowners.md").read_text(encoding="utf-8")
    assert "| Этап | Цель клиента | Точки контакта |" in report
    assert re.search(r"\*\*Обновлено:\*\* \d+ [а-я]+ 2026", report)
    assert "48\u00a0000\u00a0₽" in report  # thousands with a non-breaking space, the rouble sign
    render(str(EXAMPLES / "front-doors"), "--to", "md", "--locale", "en", "--out", str(tmp_path / "en"))
    assert "| Stage | Customer goal | Touchpoints |" in (tmp_path / "en" / "doors-homeowners.md").read_text()


def rub(value: float, currency: str) -> str:
    """Money as a Russian deliverable shows it: whole units, non-breaking spaces, the sign."""
    assert currency == "RUB"
    return f"{value:,.0f}".replace(",", "\u00a0") + "\u00a0₽"


def ru_percent(ratio: float) -> str:
    return f"{ratio * 100:.1f}".rstrip("0").rstrip(".").replace(".", ",") + "\u00a0%"


def test_russian_growth_points_show_the_analysis_figures(tmp_path: pathlib.Path) -> None:
    lint = run_cjm("lint", "--format", "json", str(EXAMPLES / "front-doors"))
    points = lint.json()["growth_points"]
    top = max(points, key=lambda point: point["revenue"])
    assert top["profit"] is not None and top["lifetime_revenue"] is not None  # margin and lifetime value
    money = [rub(top[key], top["currency"]) for key in ("revenue", "profit", "lifetime_revenue")]
    conversion = f"{ru_percent(top['actual'])} → {ru_percent(top['target'])}"
    assert render(str(EXAMPLES / "front-doors"), "--to", "md,html", "--out", str(tmp_path))[0] == 0
    report = (tmp_path / "doors-homeowners.md").read_text(encoding="utf-8")
    growth = report.split("## Точки роста\n", 1)[1]
    assert "Выручка, если этап достигнет целевой конверсии" in growth
    assert "| конверсия | клиентов прибавится | выручка | прибыль | выручка за всё время клиента |" in growth
    first = next(line for line in growth.splitlines() if line.startswith("| 1 |"))
    assert top["name"] in first and conversion in first
    assert first.endswith(" | ".join(money) + " |")
    assert len([line for line in growth.splitlines() if re.match(r"\| \d+ \|", line)]) == len(points)
    page = (tmp_path / "doors-homeowners.html").read_text(encoding="utf-8")
    card = page.split('<h2 id="growth-h">Точки роста</h2>', 1)[1].split("</ol>", 1)[0]
    assert "Выручка, если этап достигнет целевой конверсии" in card
    assert "<dt>прибыль</dt>" in card and "<dt>клиентов прибавится</dt>" in card
    assert card.count("<li>") == len(points)
    first_item = card.split("<li>")[1]
    assert top["name"] in first_item and conversion in first_item
    assert all(text in first_item for text in money)
    assert 'class="meter brand" aria-hidden="true"><span style="width: 100.0%">' in first_item


TINY_SHOP = """\
cjm: 1
id: tiny-shop
title: Tiny shop
economics:
  currency: EUR
  average_order_value: 50
stages:
  - id: visit
    name: Visit
    phase: consideration
    funnel: {entered: 1000, advanced: 100}
  - id: buy
    name: Buy
    phase: purchase
    funnel: {entered: 100, advanced: 50}
"""


def test_stages_without_a_target_get_a_note_on_how_to_set_one(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "tiny.yaml"
    source.write_text(TINY_SHOP, encoding="utf-8")
    assert render(str(source), "--to", "md,html,json", "--out", str(tmp_path / "none"))[0] == 0
    exported = json.loads((tmp_path / "none" / "tiny-shop.json").read_text(encoding="utf-8"))["analysis"]
    assert [(u["stage"], u["reason"]) for u in exported["unvalued"]] == [
        ("visit", "no-target"),
        ("buy", "no-target"),
    ]
    report = (tmp_path / "none" / "tiny-shop.md").read_text(encoding="utf-8")
    assert "**Stages before the purchase without a target conversion: 2** (Visit, Buy)." in report
    assert "funnel.target" in report and "analysis.conversion_targets" in report
    assert "| conversion |" not in report  # nothing valued, so no table
    page = (tmp_path / "none" / "tiny-shop.html").read_text(encoding="utf-8")
    assert "<b>Stages before the purchase without a target conversion: 2</b> (Visit, Buy)." in page
    assert render(str(source), "--to", "md", "--locale", "ru", "--out", str(tmp_path / "ru"))[0] == 0
    russian = (tmp_path / "ru" / "tiny-shop.md").read_text(encoding="utf-8")
    assert "**Этапы до покупки без целевой конверсии: 2** (Visit, Buy)." in russian
    # With a target at the visit: 1,000 x (20% - 10%) x 50% downstream = 50 customers x 50 EUR.
    source.write_text(TINY_SHOP.replace("advanced: 100}", "advanced: 100, target: 0.2}"), encoding="utf-8")
    assert render(str(source), "--to", "md", "--out", str(tmp_path / "one"))[0] == 0
    report = (tmp_path / "one" / "tiny-shop.md").read_text(encoding="utf-8")
    assert "| # | Stage | conversion | customers gained | revenue |\n" in report  # no margin: no profit
    assert "| 1 | Visit | 10% → 20% | +50 | €2,500 |" in report
    assert "without a target conversion: 1** (Buy)." in report


def test_user_templates_override_and_are_sandboxed(tmp_path: pathlib.Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "journey.md.j2").write_text("Custom: {{ view.title | md }}\n", encoding="utf-8")
    assert (
        render(str(EMAIL_SHOP), "--to", "md", "--templates", str(templates), "--out", str(tmp_path / "a"))[0]
        == 0
    )
    assert (
        (tmp_path / "a" / "email-shop-lifecycle.md").read_text().startswith("Custom: Online homeware store")
    )
    (templates / "journey.md.j2").write_text("{{ view.__class__.__init__.__globals__ }}\n", encoding="utf-8")
    code, _, stderr = render(
        str(EMAIL_SHOP), "--to", "md", "--templates", str(templates), "--out", str(tmp_path / "b")
    )
    assert code == 2
    assert "template error: SecurityError" in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "b" / "email-shop-lifecycle.md").exists()
    (templates / "journey.md.j2").write_text("{% if %}\n", encoding="utf-8")
    code, _, stderr = render(
        str(EMAIL_SHOP), "--to", "md", "--templates", str(templates), "--out", str(tmp_path / "c")
    )
    assert code == 2 and "journey.md.j2:1" in stderr


def test_brand_colour_and_logo_from_flags_and_workspace(tmp_path: pathlib.Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8")
    code, _, _ = render(str(EMAIL_SHOP), "--to", "html", "--brand-color", "#0b6e4f", "--logo", str(logo),
                        "--out", str(tmp_path / "a"))  # fmt: skip
    assert code == 0
    page = (tmp_path / "a" / "email-shop-lifecycle.html").read_text(encoding="utf-8")
    assert "#0b6e4f" in page
    assert 'src="data:image/svg+xml;base64,' in page
    workspace = tmp_path / "ws"
    shutil.copytree(EXAMPLES / "front-doors", workspace)
    shutil.copy(logo, workspace / "brand.svg")
    with (workspace / "cjm.yaml").open("a", encoding="utf-8") as settings:
        settings.write("render:\n  brand_color: '#aa3300'\n  logo: brand.svg\n  company: Door Consulting\n")
    assert render(str(workspace), "--to", "html", "--out", str(tmp_path / "b"))[0] == 0
    page = (tmp_path / "b" / "doors-homeowners.html").read_text(encoding="utf-8")
    assert "#aa3300" in page and "data:image/svg+xml;base64," in page and "Door Consulting" in page


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path: pathlib.Path) -> None:
    from cjmkit.output import write_atomic

    target = tmp_path / "out" / "file.md"
    write_atomic(target, "one")
    write_atomic(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["file.md"]

    class Boom(Exception):
        pass

    class Exploding(str):
        def encode(self, *args: object, **kwargs: object) -> bytes:
            raise Boom

    with pytest.raises(Boom):
        write_atomic(target, Exploding("three"))
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["file.md"]


def test_render_help_lists_every_registered_format() -> None:
    result = run_cjm("render", "--help")
    assert result.exit_code == 0
    shown = " ".join(result.stdout.split())  # the help is wrapped to the terminal
    for spec in FORMATS.values():
        assert f"{spec.name}: " in shown


def test_unknown_format_lists_every_format_with_what_it_makes(tmp_path: pathlib.Path) -> None:
    code, _, stderr = render(str(EMAIL_SHOP), "--to", "html,docx", "--out", str(tmp_path / "out"))
    assert code == 2
    assert "unknown format 'docx'" in stderr
    for spec in FORMATS.values():
        assert re.search(rf"^  {spec.name} +{re.escape(spec.description)}$", stderr, re.MULTILINE), spec.name
