"""`cjm convert` importers of journeys kept in other shapes: cjm's own JSON and CSV, stage lists,
enablement-map-studio documents and Markdown (Mermaid block, tables, drawn tables, headings
with lists, front matter with steps); round trips; hostile files refused plainly."""

from __future__ import annotations

import json
import pathlib
import random
from typing import Any

import pytest

from cjmkit.interop import convert, source_format
from cjmkit.interop.readers import export_csv, markdown, structured
from cjmkit.loading.document import load_document
from cjmkit.models import Journey
from conftest import EXAMPLES, run_cjm

JOURNEYS = sorted(path for path in EXAMPLES.rglob("*.yaml") if path.name != "cjm.yaml")


def write(tmp_path: pathlib.Path, name: str, text: str | bytes) -> pathlib.Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def imported(path: pathlib.Path) -> tuple[dict[str, Any], dict[str, int], list[str]]:
    """The imported journey's values, what was mapped by kind and what was not (as listed)."""
    conversion = convert(path, source_format(path, None), "yaml")
    assert conversion.imported is not None and conversion.imported.document is not None, conversion.errors
    Journey.model_validate(conversion.imported.document)
    return (
        conversion.imported.document,
        dict(conversion.imported.mapped),
        [str(item) for item in conversion.imported.dropped],
    )


def imported_file(tmp_path: pathlib.Path, source: pathlib.Path) -> Journey:
    """Import through the CLI; the journey written, which validates."""
    target = tmp_path / f"{source.stem}-imported.yaml"
    result = run_cjm("convert", str(source), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    document = load_document(target, str(target))
    assert not document.diagnostics, document.diagnostics
    assert document.journey is not None
    return document.journey


def refused(tmp_path: pathlib.Path, source: pathlib.Path, *options: str) -> str:
    """Import through the CLI that must fail plainly: exit 1, no traceback, nothing written."""
    target = tmp_path / "refused.yaml"
    result = run_cjm("convert", str(source), "-o", str(target), *options)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert not target.exists()
    return result.stderr


def load_journey(path: pathlib.Path) -> Journey:
    document = load_document(path, str(path))
    assert not document.diagnostics, document.diagnostics
    assert document.journey is not None
    return document.journey


# --- cjm's own JSON -----------------------------------------------------------------------------


@pytest.mark.parametrize("source", JOURNEYS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_json_of_a_journey_converts_back_to_the_same_journey(
    tmp_path: pathlib.Path, source: pathlib.Path
) -> None:
    as_json = tmp_path / "journey.json"
    assert run_cjm("convert", str(source), "--to", "json", "-o", str(as_json)).exit_code == 0
    back = tmp_path / "back.yaml"
    result = run_cjm("convert", str(as_json), "-o", str(back))
    assert result.exit_code == 0, result.stderr
    assert load_journey(back) == load_journey(source)
    assert "cjm journey JSON" in back.read_text(encoding="utf-8").splitlines()[0]


def test_json_journey_with_a_mistake_is_refused_at_its_place(tmp_path: pathlib.Path) -> None:
    values = {"cjm": 1, "id": "j", "title": "J", "stages": [{"id": "s", "name": "S", "emotion": 5}]}
    message = refused(tmp_path, write(tmp_path, "j.json", json.dumps(values)))
    assert "stages[0].emotion" in message


def test_json_journey_counts_what_it_holds(tmp_path: pathlib.Path) -> None:
    values = {
        "cjm": 1, "id": "j", "title": "J",
        "channels": [{"id": "web", "name": "Web"}],
        "stages": [{
            "id": "s", "name": "S", "actions": ["a", "b"], "emotion": 1,
            "touchpoints": [{"id": "t", "name": "T", "channel": "web", "emotion": -1}],
            "kpis": [{"id": "k", "name": "K", "target": 0.5}],
        }],
    }  # fmt: skip
    _, mapped, dropped = imported(write(tmp_path, "j.json", json.dumps(values)))
    assert mapped == {"channel": 1, "stage": 1, "action": 2, "touchpoint": 1, "emotion": 2, "KPI": 1}
    assert dropped == []


# --- cjm's own CSV ------------------------------------------------------------------------------


def csv_view(journey: Journey) -> list[Any]:
    """What the CSV holds of a journey."""
    return [
        (
            stage.id, stage.name, stage.phase, stage.emotion,
            (stage.funnel.entered, stage.funnel.advanced) if stage.funnel else (None, None),
            stage.evidence and stage.evidence.level,
            [(t.id, t.name, t.channel, t.emotion) for t in stage.touchpoints],
            [(k.id, k.name, k.unit, k.target, k.actual) for k in stage.kpis],
        )
        for stage in journey.stages
    ]  # fmt: skip


@pytest.mark.parametrize("source", JOURNEYS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_csv_of_a_journey_converts_back_to_what_it_holds(
    tmp_path: pathlib.Path, source: pathlib.Path
) -> None:
    as_csv = tmp_path / "journey.csv"
    assert run_cjm("convert", str(source), "-o", str(as_csv)).exit_code == 0
    back = imported_file(tmp_path, as_csv)
    original = load_journey(source)
    assert back.id == original.id
    assert csv_view(back) == csv_view(original)
    assert [c.id for c in back.channels] == list(
        dict.fromkeys(t.channel for s in original.stages for t in s.touchpoints)
    )


def test_csv_guarded_formulas_and_decimal_commas_read_back(tmp_path: pathlib.Path) -> None:
    source = write(
        tmp_path, "guarded.yaml",
        "cjm: 1\nid: guarded\ntitle: Гарантия\nlocale: ru\nchannels:\n  - id: web\n    name: Сайт\nstages:\n"
        "  - id: s\n    name: \"=Этап\"\n    touchpoints:\n      - id: t\n"
        "        name: \"-Точка\\n=вторая\"\n"
        "        channel: web\n    kpis:\n      - id: k\n        name: \"+K\"\n        target: 0.25\n"
        "        actual: 1.5\n        unit: ratio\n",
    )  # fmt: skip
    as_csv = tmp_path / "guarded.csv"
    assert run_cjm("convert", str(source), "-o", str(as_csv)).exit_code == 0
    text = as_csv.read_text(encoding="utf-8-sig")
    assert text.startswith("journey;") and "0,25" in text and "'=Этап" in text
    back = imported_file(tmp_path, as_csv)
    assert csv_view(back) == csv_view(load_journey(source))
    assert back.stages[0].touchpoints[0].name == "-Точка\n=вторая"
    assert back.locale == "ru"


def test_csv_sniff_says_no_to_other_csvs() -> None:
    (reader,) = export_csv.READERS
    assert not reader.sniff("Stage,Awareness,Consideration\nActions,Searches,Compares\n")
    assert not reader.sniff("journey,stage\nx,y\n")
    assert reader.sniff("\ufeff" + ",".join(export_csv.CSV_COLUMNS) + "\r\n")


def test_csv_with_a_bad_number_is_refused_at_its_line(tmp_path: pathlib.Path) -> None:
    header = ",".join(export_csv.CSV_COLUMNS)
    row = "j,1,s,S,,stage,lots,,,,,,,,,,,,,"
    message = refused(tmp_path, write(tmp_path, "bad.csv", f"{header}\n{row}\n"))
    assert "line 2, column 'stage_emotion'" in message


# --- stage lists ----------------------------------------------------------------------------


def test_json_stage_list_maps_each_field_and_lists_the_rest(tmp_path: pathlib.Path) -> None:
    values = {
        "title": "Buying a bike",
        "owner_team": "growth",
        "stages": [
            {"name": "Awareness",
             "touchpoints": ["Instagram ad", {"name": "Shop window", "channel": "Street"}],
             "pain_points": ["No sizes online"], "emotion": -1, "thoughts": ["Is it for me?"]},
            {"title": "Test ride", "phase": "decision", "actions": ["Books a ride"], "mood": "excited",
             "opportunities": ["Evening slots"], "goal": "Feel the bike"},
        ],
    }  # fmt: skip
    document, mapped, dropped = imported(write(tmp_path, "bike.json", json.dumps(values)))
    assert mapped == {
        "title": 1, "stage": 2, "touchpoint": 2, "channel": 1, "barrier": 1, "emotion": 1, "thought": 1,
        "action": 1, "opportunity": 1, "customer goal": 1,
    }  # fmt: skip
    assert dropped == [
        "owner_team: key 'owner_team' (no field of the cjm format holds it)",
        "stages[1].phase: phase 'decision' (not one of cjm's phases (awareness, consideration, purchase, "
        "onboarding, usage, retention, advocacy))",
        "stages[1].mood: emotion 'excited' (an emotion in words, not a score: cjm's emotion is a number "
        "-2..2, and none is made up)",
    ]
    awareness, ride = document["stages"]
    assert awareness["phase"] == "awareness" and awareness["emotion"] == -1
    assert [t["channel"] for t in awareness["touchpoints"]] == ["unspecified", "street"]
    assert document["channels"] == [
        {"id": "unspecified", "name": "Unspecified channel"},
        {"id": "street", "name": "Street"},
    ]
    assert awareness["barriers"] == [{"id": "no-sizes-online", "text": "No sizes online"}]
    assert "emotion" not in ride and "phase" not in ride


def test_journey_steps_and_several_journeys(tmp_path: pathlib.Path) -> None:
    values = {
        "painPoints": [
            {"id": "p1", "description": "Slow site", "severity": "high"},
            {"id": "p2", "description": "x"},
        ],
        "journeys": [
            {"name": "First",
             "steps": [{"action": "Opens the site", "painPoints": ["p1"], "emotion": "3/5"}]},
            {"name": "Second", "steps": [{"action": "Leaves"}]},
        ],
    }  # fmt: skip
    document, mapped, dropped = imported(write(tmp_path, "steps.json", json.dumps(values)))
    assert document["title"] == "First"
    (stage,) = document["stages"]
    assert stage["name"] == "Opens the site" and stage["actions"] == ["Opens the site"]
    assert stage["emotion"] == 0  # 3 of 5, as Mermaid scores map
    assert stage["barriers"] == [{"id": "slow-site", "text": "Slow site"}]
    assert mapped == {"title": 1, "stage": 1, "action": 1, "barrier": 1, "emotion": 1}
    assert [item.split(":")[0] for item in dropped] == ["journeys[1]", "painPoints[0]", "painPoints[1]"]


def test_yaml_stage_list_names_lines(tmp_path: pathlib.Path) -> None:
    text = (
        "title: Renewal\nupdated: 2026-05-01\npersona: {name: Olga, role: Office manager, shoe_size: 38}\n"
        "phases:\n  - name: Retention\n    moments:\n      - moment: Gets the invoice\n"
        "        wants: [{want: A clear total, cluster: money}]\n"
    )
    document, mapped, dropped = imported(write(tmp_path, "renewal.yaml", text))
    assert document["updated"] == "2026-05-01"
    assert document["persona"] == {"id": "olga", "name": "Olga", "description": "Office manager"}
    (stage,) = document["stages"]
    assert stage["actions"] == ["Gets the invoice"] and stage["expectations"] == ["A clear total"]
    assert dropped == [
        "line 3: persona key 'shoe_size' (no field of the cjm format holds it)",
        "line 8: keys 'cluster' of 'A clear total' (no field of the cjm format holds it)",
    ]
    assert mapped["expectation"] == 1


def test_enablement_map_studio_document(tmp_path: pathlib.Path) -> None:
    text = (
        "kind: cjm\nversion: '1.0'\nid: cjm:onboard\npersona:\n  name: Dev\nphases:\n"
        "  - {id: 'cjm:phase:start', name: Start}\n  - {id: 'cjm:phase:use', name: Use}\nactions:\n"
        "  - {id: a1, name: Signs up, phase: 'cjm:phase:start', touchpoints: [Site], emotion_score: 2,"
        " thoughts_feelings: [Easy]}\n"
        "  - {id: a2, name: Waits, phase: 'cjm:phase:start', touchpoints: [Mail], emotion_score: -1}\n"
        "  - {id: a3, name: Lost, phase: 'cjm:phase:gone'}\n"
        "---\nkind: sbp\nid: sbp:x\n---\nkind: outcome\nid: oc:x\n"
    )
    document, mapped, dropped = imported(write(tmp_path, "ems.yaml", text))
    assert document["id"] == "onboard" and document["title"] == "Onboard"
    start, use = document["stages"]
    assert (start["id"], use["id"]) == ("start", "use")
    assert start["emotion"] == 1  # mean of 2 and -1, rounded half up
    assert [(t["name"], t["emotion"]) for t in start["touchpoints"]] == [("Site", 2), ("Mail", -1)]
    assert start["thoughts"] == ["Easy"] and "emotion" not in use
    assert mapped == {"persona": 1, "stage": 2, "emotion": 2, "action": 2, "touchpoint": 2, "thought": 1}
    assert [item.split(" (")[0] for item in dropped] == [
        "line 12: an action",
        "line 14: document `kind: sbp` 'sbp:x'",
        "line 17: document `kind: outcome` 'oc:x'",
    ]


def test_document_markers_inside_a_block_scalar_do_not_split() -> None:
    text = "a: |\n  ---\n  text\n---\nb: 1\n"
    assert structured.split_documents(text) == [(1, "a: |\n  ---\n  text"), (5, "b: 1\n")]


@pytest.mark.parametrize(
    ("value", "emotion"),
    [(2, 2), (-2, -2), ("+1", 1), ("−1", -1), ("4/5", 1), ("1 / 5", -2), (1.0, 1), (3, None),
     ("happy", None), (True, None), ("a1", None)],
)  # fmt: skip
def test_emotions_are_numbers_on_a_known_scale(value: Any, emotion: int | None) -> None:
    assert structured.parse_emotion(value) == emotion


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown_with_a_mermaid_journey_block(tmp_path: pathlib.Path) -> None:
    text = (
        "# Checkout\n\nIntro.\n\n```mermaid\njourney\n  section Cart\n    Adds item: 4: Me\n"
        "  section Pay\n    Pays: 2: Me\n```\n\nMore prose.\n"
    )
    document, mapped, dropped = imported(write(tmp_path, "checkout.md", text))
    assert document["title"] == "Checkout"
    assert [s["name"] for s in document["stages"]] == ["Cart", "Pay"]
    assert [s["touchpoints"][0]["emotion"] for s in document["stages"]] == [1, -1]
    assert mapped == {"title": 1, "stage": 2, "touchpoint": 2, "emotion": 2, "actor": 2}
    assert [item.split(":")[0] for item in dropped] == ["lines 3-13"]  # both under '# Checkout'


def test_markdown_table_with_stages_as_rows(tmp_path: pathlib.Path) -> None:
    text = (
        "# Gym\n\n| Stage | Actions | Touchpoints | Emotions | Pain points | Notes |\n"
        "|---|---|---|---|---|---|\n"
        "| **1. Join** | Signs up; pays | Website, front desk | +1 | Queue | x |\n"
        "| 2. Train | Lifts | App → Locker | 😊 Happy | — | |\n"
    )
    document, mapped, dropped = imported(write(tmp_path, "gym.md", text))
    join, train = document["stages"]
    assert (join["name"], join["actions"], join["emotion"]) == ("Join", ["Signs up", "pays"], 1)
    assert [t["name"] for t in join["touchpoints"]] == ["Website", "front desk"]
    assert [t["name"] for t in train["touchpoints"]] == ["App", "Locker"]
    assert "barriers" not in train and "emotion" not in train
    assert mapped == {"title": 1, "stage": 2, "action": 3, "touchpoint": 4, "emotion": 1, "barrier": 1}
    assert dropped == [
        "line 5: column 'Notes' (no field of the cjm format holds it)",
        "line 6: column 'Emotions' (an emotion in words, not a score -2..2; none is made up)",
    ]


def test_markdown_table_with_stages_as_columns_in_russian(tmp_path: pathlib.Path) -> None:
    text = (
        "| | Поиск | Покупка |\n|--|--|--|\n| **Действия** | Ищет в Google | Платит картой |\n"
        "| Точки касания | Поисковик | Сайт, касса |\n| Мысли | «Где дешевле?» | — |\n"
    )
    document, mapped, _ = imported(write(tmp_path, "покупка.md", text))
    assert document["locale"] == "ru" and document["channels"][0]["name"] == "Канал не указан"
    search, buy = document["stages"]
    assert search["thoughts"] == ["Где дешевле?"] and buy["actions"] == ["Платит картой"]
    assert [t["id"] for t in buy["touchpoints"]] == ["sait", "kassa"]
    assert mapped == {"stage": 2, "action": 2, "touchpoint": 3, "thought": 1}


def test_markdown_two_column_tables_under_stage_headings_make_one_map(tmp_path: pathlib.Path) -> None:
    stage = (
        "## {}\n\n| Dimension | Detail |\n|---|---|\n| Actions | {} |\n| Touchpoints | Site |\n"
        "| KPIs | CTR |\n\n"
    )
    text = "# Map\n\n" + stage.format("Awareness", "Reads") + stage.format("Purchase", "Buys")
    text += "# Other\n\n| Stage | Actions |\n|---|---|\n| Awareness | Again |\n"
    document, _, dropped = imported(write(tmp_path, "map.md", text))
    assert [(s["name"], s.get("phase")) for s in document["stages"]] == [
        ("Awareness", "awareness"),
        ("Purchase", "purchase"),
    ]
    assert dropped[0] == "line 9: row 'KPIs' (2 cells) (a cjm KPI needs a target number, and none is given)"
    assert dropped[1].startswith("line 21: another journey map")


def test_markdown_box_drawing_table(tmp_path: pathlib.Path) -> None:
    text = (
        "# 备课\n\n┌────────┬────────┬────────┐\n│ Stage  │ 规划   │ 写教案 │\n├────────┼────────┼────────┤\n"
        "│ Actions│ 翻教材 │ 写目标 │\n├────────┼────────┼────────┤\n│ Touch- │ 教材   │ Word   │\n"
        "│ points │ 日历   │        │\n└────────┴────────┴────────┘\n"
    )
    document, mapped, _ = imported(write(tmp_path, "box.md", text))
    plan, write_stage = document["stages"]
    assert plan["name"] == "规划" and plan["actions"] == ["翻教材"]
    assert [t["name"] for t in plan["touchpoints"]] == ["教材 日历"]
    assert write_stage["touchpoints"][0]["id"] == "word"
    assert mapped == {"title": 1, "stage": 2, "action": 2, "touchpoint": 2}


def test_markdown_headings_with_labelled_lists(tmp_path: pathlib.Path) -> None:
    text = (
        "# Jornada\n\n## 1. Atração\n* **Objetivos:** Achar um app\n* **Sentimentos:** Curioso\n\n"
        "## 2. Uso\n**Touchpoints:**\n- App\n- E-mail\n  semanal\n\n**Barreiras:** Sinal fraco\n\n"
        "## 3. Fim\nSó texto.\n\n## 4. Volta\n- **Actions:** Reabre\n\n"
        "# Apêndice\n\n## Notas\n- **Actions:** fora\n"
    )
    document, mapped, dropped = imported(write(tmp_path, "jornada.md", text))
    assert [s["name"] for s in document["stages"]] == ["Atração", "Uso", "Fim", "Volta"]
    atracao, uso, fim, volta = document["stages"]
    assert atracao["customer_goal"] == "Achar um app"
    assert [t["name"] for t in uso["touchpoints"]] == ["App", "E-mail semanal"]
    assert uso["barriers"][0]["text"] == "Sinal fraco" and volta["actions"] == ["Reabre"]
    assert set(fim) == {"id", "name"}
    assert mapped == {"title": 1, "stage": 4, "customer goal": 1, "touchpoint": 2, "barrier": 1, "action": 1}
    assert [item.split(" (")[0] for item in dropped] == [
        "line 5: label 'Sentimentos'",
        "line 16: 1 line of text under '3. Fim'",
        "line 24: 1 line of text under 'Notas'",
    ]


def test_markdown_front_matter_with_milestones_and_steps(tmp_path: pathlib.Path) -> None:
    text = (
        "---\njourney: Ordering lunch\npersonas:\n  - {name: Ana, role: Hungry, type: primary}\n"
        "  - {name: Router, role: Service, type: system}\n---\n\n## Milestone: order\n\n- title: Order\n"
        "- description: Picks food\n\n### Step: tap\n\n- persona: [Ana]\n- description: Taps order\n"
        '- channel: App\n- frontstage: Sees a spinner\n- emotion: 2\n- painPoint:\n  - "Slow spinner"\n'
        "- duration: 2 s\n\n---\n\n### Step: route\n\n- persona: [Router]\n- description: Routes it\n"
    )
    document, mapped, dropped = imported(write(tmp_path, "lunch.md", text))
    assert document["title"] == "Ordering lunch"
    assert document["persona"] == {"id": "ana", "name": "Ana", "description": "Hungry"}
    (stage,) = document["stages"]
    assert stage["actions"] == ["Taps order"] and stage["emotion"] == 2
    assert stage["touchpoints"] == [
        {"id": "app", "name": "App", "channel": "app", "description": "Sees a spinner"}
    ]
    assert stage["barriers"] == [{"id": "slow-spinner", "text": "Slow spinner"}]
    assert mapped == {
        "title": 1, "persona": 1, "persona description": 1, "stage": 1, "action": 1, "channel": 1,
        "touchpoint": 1, "emotion": 1, "barrier": 1,
    }  # fmt: skip
    assert [item.split(" (")[0] for item in dropped] == [
        "line 5: persona 'Router'",
        "line 11: milestone key 'description'",
        "line 22: key 'duration' of step 'tap'",
        "line 26: step 'route'",
    ]


def test_markdown_split_items_respects_brackets_and_quotes() -> None:
    assert markdown.split_items('Dashboard (Overview, Costs), alerts, "A, B"', "touchpoints") == [
        "Dashboard (Overview, Costs)",
        "alerts",
        '"A, B"',
    ]
    assert markdown.split_items("参考書を買う/通信講座に申し込む, Twitter/X", "actions") == [
        "参考書を買う",
        "通信講座に申し込む",
        "Twitter/X",
    ]
    assert markdown.split_items("1,000 users; 2,000 users", "actions") == ["1,000 users", "2,000 users"]


def test_markdown_labels_in_the_corpus_languages() -> None:
    labels = {
        "Customer Actions": "actions", "Точки касания": "touchpoints", "タッチポイント": "touchpoints",
        "思考・感情": "thoughts", "감정": "emotion", "痛点": "barriers", "Pain Points": "barriers",
        "Oportunidades": "opportunities", "Objetivos": "goal", "Necessidades": "expectations",
        "Emosi": "emotion", "Business Goals": "company", "KPIs": "kpi", "Actor": "actor", "Время": None,
    }  # fmt: skip
    assert {label: markdown.dimension(label) for label in labels} == labels


# --- the same input, the same output -------------------------------------------------------


def test_imports_are_byte_for_byte_repeatable(tmp_path: pathlib.Path) -> None:
    source = write(tmp_path, "a.md", "| Stage | Actions | Touchpoints |\n|---|---|---|\n| A | x, y | z |\n")
    first, second = tmp_path / "1.yaml", tmp_path / "2.yaml"
    assert run_cjm("convert", str(source), "-o", str(first)).exit_code == 0
    assert run_cjm("convert", str(source), "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


# --- hostile input ------------------------------------------------------------------------------


def test_deeply_nested_json_is_refused(tmp_path: pathlib.Path) -> None:
    source = write(tmp_path, "deep.json", '{"stages": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert "nested too deeply" in refused(tmp_path, source)


def test_json_journey_nested_just_below_the_parser_limit_is_refused(tmp_path: pathlib.Path) -> None:
    depth = 990
    source = write(tmp_path, "deep-cjm.json", '{"cjm": 1, "stages": ' + "[" * depth + "]" * depth + "}")
    refused(tmp_path, source)


def test_json_without_a_finite_number_is_refused(tmp_path: pathlib.Path) -> None:
    source = write(tmp_path, "nan.json", '{"stages": [{"name": "A", "emotion": NaN}]}')
    assert "NaN" in refused(tmp_path, source)


def test_yaml_alias_bomb_is_refused(tmp_path: pathlib.Path) -> None:
    levels = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 8)]
    source = write(tmp_path, "bomb.yaml", "\n".join(levels) + f"\nstages: [{', '.join(['*a7'] * 9)}]\n")
    assert "aliases" in refused(tmp_path, source)


def test_deeply_nested_yaml_is_refused(tmp_path: pathlib.Path) -> None:
    source = write(tmp_path, "deep.yaml", "stages: " + "[" * 50_000 + "]" * 50_000 + "\n")
    refused(tmp_path, source)


def test_a_file_over_the_size_limit_is_not_read(tmp_path: pathlib.Path) -> None:
    source = write(tmp_path, "big.json", '{"stages": ["' + "x" * (6 * 1024 * 1024) + '"]}')
    target = tmp_path / "big.yaml"
    result = run_cjm("convert", str(source), "-o", str(target))
    assert result.exit_code == 1  # bad input, reported without reading it
    assert "over 5242880 bytes" in result.stderr and "Traceback" not in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("name", ["garbage.json", "garbage.yaml", "garbage.md", "garbage.csv"])
def test_binary_garbage_is_refused(tmp_path: pathlib.Path, name: str) -> None:
    noise = random.Random(1).randbytes(8192)  # every byte value, 0x98 (undefined in Windows-1251) too
    assert "none of the shapes" in refused(tmp_path, write(tmp_path, name, noise))


def test_a_byte_no_encoding_can_decode_is_refused(tmp_path: pathlib.Path) -> None:
    assert "none of the shapes" in refused(tmp_path, write(tmp_path, "garbage.md", b"# x\n\x98\x98\n"))


def test_markdown_without_a_journey_is_refused(tmp_path: pathlib.Path) -> None:
    source = write(tmp_path, "notes.md", "# Notes\n\nJust text.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "none of the shapes cjm imports" in refused(tmp_path, source)


def test_a_map_of_thousands_of_stages_is_refused(tmp_path: pathlib.Path) -> None:
    source = write(tmp_path, "many.md", "### S\n- **Actions:** a\n" * 2000)
    assert "more than 1000 stages" in refused(tmp_path, source)
