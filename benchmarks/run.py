"""Run every benchmark of the project and gather their results into benchmarks/RESULTS.md.

Each benchmark is a script ``benchmarks/<name>.py`` that measures its figure against a baseline run in
the same process and writes ``benchmarks/results/<name>.md`` (figure, target, baseline). This runner only
orders them, times them, and stitches the results together, so one command refreshes every number:

    .venv/bin/python benchmarks/run.py            # all
    .venv/bin/python benchmarks/run.py classify   # some, by name
"""

from __future__ import annotations

import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def benchmarks(names: list[str]) -> list[Path]:
    found = sorted(p for p in HERE.glob("*.py") if p.name != "run.py" and not p.name.startswith("_"))
    return [p for p in found if not names or p.stem in names]


def main(names: list[str]) -> int:
    failed = []
    timings = {}
    for script in benchmarks(names):
        print(f"== {script.stem}", flush=True)
        started = time.monotonic()
        proc = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        timings[script.stem] = time.monotonic() - started
        if proc.returncode != 0:
            failed.append(script.stem)
    parts = [
        "# Benchmark results",
        "",
        f"Refreshed {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python benchmarks/run.py` on "
        f"{platform.machine()}, Python {platform.python_version()}, {_cpus()} CPU(s). Each section is written by "
        "its script; baselines are measured in the same run.",
        "",
        "| benchmark | script wall time (s) | status |",
        "|---|---|---|",
    ]
    parts += [f"| {n} | {t:.1f} | {'failed' if n in failed else 'ok'} |" for n, t in timings.items()]
    for result in sorted(RESULTS.glob("*.md")):
        parts += ["", result.read_text(encoding="utf-8").strip().replace("\n# ", "\n## ", 1)]
    (HERE / "RESULTS.md").write_text("\n".join(parts).replace("\n# ", "\n## ") + "\n", encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}")
    return 1 if failed else 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
