"""Benchmark: every policy on every scenario in assets/scenarios/, common random numbers.

    python benchmarks/scheduler.py [--quick] [--days N] [--seed S] [--out results.json]

Prints a table per scenario and writes JSON (default benchmarks/results/scheduler.json).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scheduler.cli import format_run, run_to_dict  # noqa: E402
from scheduler.runner import run_scenario  # noqa: E402
from scheduler.scenario import load_scenario  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="20 days per scenario")
    ap.add_argument("--days", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=None, help="processes (default: 2)")
    ap.add_argument("--scenarios", type=Path, default=ROOT / "assets" / "scenarios")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "scheduler.json")
    args = ap.parse_args(argv)
    days = 20 if args.quick else args.days
    results = []
    started = time.perf_counter()
    for path in sorted(args.scenarios.glob("*.toml")):
        t0 = time.perf_counter()
        run = run_scenario(load_scenario(path), days, args.seed, workers=args.workers)
        print(format_run(run))
        print(f"({time.perf_counter() - t0:.1f} s)\n")
        results.append(run_to_dict(run))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "command": " ".join(["python", "benchmarks/scheduler.py", *(argv or sys.argv[1:])]),
        "days": days,
        "seed": args.seed,
        "seconds": round(time.perf_counter() - started, 1),
        "scenarios": results,
    }
    args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
