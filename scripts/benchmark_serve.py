"""How fast `cjm serve` shows a saved change: the re-render after a one-line edit of a 30-stage
map (in-process, the way the server does it), median of ``--runs``.

    .venv/bin/python scripts/benchmark_serve.py [--stages 30] [--runs 15]

The goal: under 300 ms. The figure is in the README ("Live preview").
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from benchmark_render import big_map

from cjmkit.serve import LiveSite

GOAL_SECONDS = 0.3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", type=int, default=30)
    parser.add_argument("--touchpoints", type=int, default=4)
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "big.yaml"
        text = big_map(options.stages, options.touchpoints)
        path.write_text(text, encoding="utf-8")
        site = LiveSite([pathlib.Path(folder)])
        try:
            first = site.rebuild()
            times = []
            for run in range(options.runs):
                path.write_text(text.replace("title: Benchmark journey", f"title: Benchmark journey {run}"))
                times.append(site.rebuild({path}))
                assert not site.state.errors, site.state.errors
        finally:
            site.close()
    median = statistics.median(times)
    print(f"first render of a {options.stages}-stage map: {first * 1000:.0f} ms")
    print(
        f"re-render after a one-line change: median {median * 1000:.0f} ms, best {min(times) * 1000:.0f} ms, "
        f"worst {max(times) * 1000:.0f} ms over {options.runs} runs "
        f"({'PASS' if median < GOAL_SECONDS else 'FAIL'}: goal < {GOAL_SECONDS * 1000:.0f} ms)"
    )
    return 0 if median < GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
