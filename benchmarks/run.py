"""Run every benchmark of the project and gather their results into benchmarks/RESULTS.md.

Each benchmark is a script ``benchmarks/<name>.py`` that measures its figure against a baseline run in
the same process and writes ``benchmarks/results/<name>.md`` (figure, target, baseline). This runner only
orders them, times them, and stitches the results together, so one command refreshes every number:

    .venv/bin/python benchmarks/run.py            # all, at the documented sizes (about 10 minutes here)
    .venv/bin/python benchmarks/run.py classify   # some, by name
    .venv/bin/python benchmarks/run.py --smoke    # all at small sizes, results left untouched (CI runs this)
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


# Small sizes for the CI smoke run: every script runs end to end, in seconds, without touching the results.
SMOKE_ARGS = {
    "classify": ["--n", "20000", "--repeat", "1"],
    "classify_warehouse": ["--n", "20000"],
    "doc_use": ["--n", "5000", "--repeat", "1"],
    "git_clone_strategy": ["--size", "tiny"],
    "github_mining": ["--size", "small"],
    "mining_acceptance": ["--size", "tiny"],
    "gitlab_mining": ["--size", "small"],
    "monthly_report": ["--people", "40", "--repeat", "1"],
    "simulator_throughput": ["--rounds", "1"],
    "web": ["--activities", "300", "--people", "30", "--per-month", "5", "--repeat", "1",
            "--write-signals", "500"],
}
SMOKE_ENV = {"LEADSIG_BENCH_EXPORT_N": "500"}
# Left out of the smoke run: installs a peer from PyPI into its own environment (about 90 s on a cold cache).
SMOKE_SKIP = {"perceval_peer"}


def smoke(names: list[str]) -> int:
    """Run every benchmark small, then put the committed results back: CI proves the scripts still work."""
    import os
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as keep:
        shutil.copytree(RESULTS, Path(keep) / "results")
        failed = []
        try:
            for script in [b for b in benchmarks(names) if b.stem not in SMOKE_SKIP]:
                print(f"== {script.stem} (smoke)", flush=True)
                args = [sys.executable, str(script), *SMOKE_ARGS.get(script.stem, [])]
                if subprocess.run(args, cwd=HERE.parent, env={**os.environ, **SMOKE_ENV}).returncode != 0:
                    failed.append(script.stem)
        finally:
            shutil.rmtree(RESULTS)
            shutil.copytree(Path(keep) / "results", RESULTS)
    print(f"smoke run: {len(failed)} failed {failed}" if failed else "smoke run: all benchmarks ran")
    return 1 if failed else 0


def main(names: list[str]) -> int:
    if "--smoke" in names:
        return smoke([n for n in names if n != "--smoke"])
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
