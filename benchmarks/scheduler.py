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


def decision_speed(runs: int = 200) -> dict[str, float]:
    """Milliseconds per dispatch decision (200 waiting) and per wait prediction (50
    waiting, 10 counters): what a counter's "next" and a new ticket cost in CPU."""
    import random
    from datetime import datetime, timedelta

    from scheduler.dispatch import CounterContext, WaitingTicket, choose_next
    from scheduler.prediction import CounterState, QueueState, predict_wait

    rnd = random.Random(1)
    now = datetime(2026, 11, 24, 10, 0)
    services = ["PAS", "NIK", "RYB", "UIT"]

    def waiting(n: int) -> list[WaitingTicket]:
        return [
            WaitingTicket(i, f"A {i}", rnd.choice(services), "walk_in",
                          now - timedelta(minutes=rnd.uniform(0, 9)))
            for i in range(n)
        ]  # fmt: skip

    counter = CounterContext(1, {"PAS": 1.1, "NIK": 1.0, "UIT": 0.9})
    many = waiting(200)
    t0 = time.perf_counter()
    for _ in range(runs):
        choose_next(counter, many, now)
    dispatch_ms = (time.perf_counter() - t0) / runs * 1000
    counters = [
        CounterState(c, dict.fromkeys(services, 1.0), rnd.choice(services), rnd.uniform(0, 8))
        for c in range(10)
    ]
    state = QueueState(now, waiting(50), counters, dict.fromkeys(services, 10.0))
    t0 = time.perf_counter()
    for _ in range(runs // 4):
        predict_wait("PAS", state)
    prediction_ms = (time.perf_counter() - t0) / (runs // 4) * 1000
    return {"dispatch_200_waiting_ms": round(dispatch_ms, 3),
            "prediction_50_waiting_ms": round(prediction_ms, 3)}  # fmt: skip


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
    speed = decision_speed()
    print(f"dispatch, 200 waiting: {speed['dispatch_200_waiting_ms']} ms per decision (goal 1 ms)")
    print(f"wait prediction, 50 waiting: {speed['prediction_50_waiting_ms']} ms (goal 2 ms)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "speed": speed,
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
