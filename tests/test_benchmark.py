"""scripts/benchmark.py runs end to end and reports every command and every ratio.

Whether the ratios pass is the benchmark's business, on a quiet machine with real sizes;
here the sizes are tiny, so the test only proves that the script works.
"""

from __future__ import annotations

import importlib.util
import pathlib
import re
import subprocess
import sys
from types import ModuleType

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "benchmark.py"
CJM = pathlib.Path(sys.executable).parent / "cjm"

SIZED_COMMANDS = [
    "cjm validate WS",
    "cjm lint WS --format json > /dev/null",
    "cjm render WS --to html --out TMP",
]
PEERS = [
    "check-jsonschema --schemafile schemas/journey.schema.json",
    "python -c 'yaml.load(text, Loader=yaml.CSafeLoader)' (bare libyaml parse)",
    "python -c 'CParser(text).get_event()...' (libyaml events, nothing built)",
]
STARTUP = ["cjm --help", "cjm --version", 'python -c "import pydantic, ruamel.yaml"']
RATIOS = [
    "validate / check-jsonschema at 10 maps",
    "validate / bare libyaml parse at 10 maps",
    "validate per-map cost, 10 / 5 maps",
    "lint per-map cost, 10 / 5 maps",
    "render per-map cost, 10 / 5 maps",
    "lint at 3000 maps, median time",
    "lint at 3000 maps, peak RSS",
    "cjm --help / bare import",
    "cjm --version / bare import",
]


def table_rows(report: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in report.splitlines()
        if line.startswith("| ") and not line.startswith("| command") and not line.startswith("| ratio")
    ]


def test_quick_benchmark_reports_every_command_and_ratio(tmp_path: pathlib.Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--sizes", "5,10", "--runs", "1", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    rows = table_rows(result.stdout)
    commands = {(row[0].strip("`"), row[1]) for row in rows if len(row) == 6}
    ratios = {row[0]: row for row in rows if len(row) == 4}

    sized = list(SIZED_COMMANDS)
    validate_help = subprocess.run([str(CJM), "validate", "--help"], capture_output=True, text=True).stdout
    if re.search(r"--jobs\b", validate_help):
        sized.append("cjm validate WS --jobs 1")
    expected = {(command, str(n)) for command in sized for n in (5, 10)}
    expected |= {(peer, "10") for peer in PEERS} | {(command, "–") for command in STARTUP}
    assert expected <= commands, f"missing rows {expected - commands}\n{result.stdout}"

    assert set(RATIOS) <= set(ratios), f"missing ratios {set(RATIOS) - set(ratios)}\n{result.stdout}"
    for name in RATIOS:
        assert ratios[name][3] in {"PASS", "FAIL", "n/a"}, ratios[name]
    assert ratios["lint at 3000 maps, median time"][3] == "n/a"  # no 3000-map workspace in this run
    assert "- Reproduce: `" in result.stdout
    assert re.search(r"- Machine: \d+ CPUs", result.stdout)


def load_script(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("cjm_benchmark_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_generated_maps_are_kept_in_out_and_reproducible(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Runs on two days are only comparable if the same command line writes the same maps:
    # what the subprocess wrote must equal what a fresh interpreter generates.
    subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--sizes", "3", "--runs", "1", "--out", str(tmp_path)],
        capture_output=True,
        check=True,
        timeout=120,
    )
    written = sorted((tmp_path / "ws-3" / "journeys").glob("*.yaml"))
    assert (tmp_path / "ws-3" / "cjm.yaml").is_file() and len(written) == 3
    benchmark = load_script(monkeypatch)
    regenerated = dict(benchmark.journey_yaml(index) for index in range(3))
    assert {p.name: p.read_text(encoding="utf-8") for p in written} == regenerated
