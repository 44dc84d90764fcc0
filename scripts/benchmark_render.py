"""Benchmark: render a 300-stage x 10-touchpoint map to HTML with the real `cjm` command.

Usage: .venv/bin/python scripts/benchmark_render.py [--stages 300] [--touchpoints 10] [--runs 5]
Prints the wall time of each run of `cjm render BIG.yaml --to html` (a new process
each time, so start-up, loading, validation, analysis and rendering all count).
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

PHASES = ["awareness", "consideration", "purchase", "onboarding", "usage", "retention", "advocacy"]


def big_map(stages: int, touchpoints: int) -> str:
    lines = [
        "cjm: 1", "id: big", "title: Benchmark journey", "economics:", "  currency: EUR",
        "  average_order_value: 120", "channels:", "  - id: web", "    name: Website",
        "  - id: email", "    name: Email", "stages:",
    ]  # fmt: skip
    entered = 1_000_000
    for s in range(stages):
        advanced = entered * 9 // 10
        phase = PHASES[min(s * len(PHASES) // stages, len(PHASES) - 1)]
        lines += [
            f"  - id: stage-{s}", f"    name: Stage {s} <b>&amp;</b>", f"    phase: {phase}",
            f"    customer_goal: Goal of stage {s}", "    actions: [Reads, Compares, Decides]",
            "    thoughts: ['Is it worth it?']", f"    emotion: {(s % 5) - 2}", "    touchpoints:",
        ]  # fmt: skip
        for t in range(touchpoints):
            lines += [
                f"      - id: tp-{s}-{t}", f"        name: Touchpoint {s}.{t}",
                f"        channel: {'web' if t % 2 else 'email'}", f"        emotion: {(t % 5) - 2}",
            ]  # fmt: skip
        lines += [
            "    objections:", f"      - id: objection-{s}", "        text: Too expensive",
            "        response: Instalments", "    barriers:", f"      - id: barrier-{s}",
            "        text: Unsure about size", "        recommendation: Free measurement",
            "    opportunities: [Add reviews]", "    kpis:", f"      - id: kpi-{s}",
            "        name: Conversion", "        target: 0.5", "        actual: 0.4", "        unit: ratio",
            f"    funnel: {{entered: {entered}, advanced: {advanced}}}",
            "    evidence: {level: data, sources: [analytics]}",
        ]  # fmt: skip
        entered = advanced
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", type=int, default=300)
    parser.add_argument("--touchpoints", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    cjm = pathlib.Path(sys.executable).parent / "cjm"
    with tempfile.TemporaryDirectory() as folder:
        source = pathlib.Path(folder) / "big.yaml"
        source.write_text(big_map(options.stages, options.touchpoints), encoding="utf-8")
        times = []
        for _ in range(options.runs):
            start = time.perf_counter()
            subprocess.run([str(cjm), "render", str(source), "--to", "html", "--out", folder], check=True,
                           capture_output=True)  # fmt: skip
            times.append(time.perf_counter() - start)
        size = (pathlib.Path(folder) / "big.html").stat().st_size
    print(f"{options.stages} stages x {options.touchpoints} touchpoints, HTML of {size / 1e6:.1f} MB")
    print(f"runs (s): {' '.join(f'{t:.2f}' for t in times)}")
    print(f"median {statistics.median(times):.2f} s, best {min(times):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
