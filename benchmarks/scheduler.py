"""Benchmark: every policy on every scenario in assets/scenarios/, common random numbers.

    python benchmarks/scheduler.py [--quick] [--days N] [--seed S] [--out results.json]

Per scenario: the plan (verified by simulation), every policy on the same simulated
days, and the staff-hours per day each policy needs for the norm (bisection over a
ladder of rosters). Then the side-by-side table over all scenarios, and the plan's
prediction against the simulation on a few random days nobody tuned the planner to.
Writes JSON (default benchmarks/results/scheduler.json).
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
from scheduler.policies import POLICIES  # noqa: E402
from scheduler.runner import run_scenario  # noqa: E402
from scheduler.scenario import load_scenario  # noqa: E402
from scheduler.staffhours import staff_hours_needed  # noqa: E402


def unseen_days(count: int, seed: int, replications: int) -> list[dict[str, float | int | None]]:
    """Plan random days, then simulate them on fresh visitors: predicted vs simulated."""
    import numpy as np

    from scheduler.unseen import random_day
    from scheduler.verify import simulate_plan, verified_plan

    rows: list[dict[str, float | int | None]] = []
    for k in range(count):
        demand, staff, counters = random_day(np.random.default_rng([seed, 500 + k]))
        plan = verified_plan(demand, staff, counters, replications=replications, work_limit=1.0)
        fresh = simulate_plan(plan, staff, replications=replications, seed=seed * 1000 + k)
        pred = plan.predicted_within_target
        rows.append(
            {
                "case": k,
                "staff": len(staff),
                "counters": counters,
                "staff_hours": round(plan.roster.staff_minutes / 60, 2),
                "predicted_within_target": pred,
                "simulated_within_target": round(fresh.within_target, 4),
                "difference_points": None
                if pred is None
                else round(100 * (fresh.within_target - pred), 2),
                "shortfall_intervals": len(plan.shortfalls),
            }
        )
    return rows


def side_by_side(results: list[dict]) -> str:
    """One line per scenario: Loket's figures and the staff-hours each policy needs."""
    names = [p for p in POLICIES]
    head = (
        f"{'scenario':<22} {'loket<=5':>8} {'P95+out':>7} {'pred':>6} {'diff':>5}  "
        + " ".join(f"{n[:12]:>12}" for n in names)
        + "  loket<=min?"
    )
    lines = [
        "== side by side: staff-hours per day needed for the norm (- = not reachable) ==",
        head,
    ]
    for r in results:
        lk = r["policies"].get("loket", {})
        need = {n: r["policies"].get(n, {}).get("staff_hours_needed_for_norm") for n in names}
        pred = r.get("predicted_within_target")
        share = lk.get("within_target")
        diff = "" if pred is None or share is None else f"{100 * (share - pred):+.1f}"
        baselines = [v for n, v in need.items() if n not in ("loket", "pooled") and v is not None]
        mine = need.get("loket")
        verdict = (
            "-"
            if mine is None
            else ("yes" if not baselines or mine <= min(baselines) + 1e-9 else "NO")
        )
        cells = " ".join(f"{'-' if v is None else f'{v:.2f}':>12}" for v in need.values())
        lines.append(
            f"{r['scenario']:<22} {share if share is not None else float('nan'):>8.1%} "
            f"{lk.get('p95_wait_incl_walkouts') or float('nan'):>7.2f} "
            f"{pred if pred is not None else float('nan'):>6.1%} {diff:>5}  {cells}  {verdict}"
        )
    lines.append(
        "loket<=5: simulated share called within 5 min (walk-outs are misses); pred: the "
        "plan's own prediction; diff: simulated - predicted (points); pooled is a reference."
    )
    return "\n".join(lines)


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
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument(
        "--search-days", type=int, default=None, help="days per staffing level (default: days/2)"
    )
    ap.add_argument("--unseen", type=int, default=4, help="random unseen days to check")
    ap.add_argument("--only", default="", help="comma-separated scenario names (default: all)")
    ap.add_argument("--replications", type=int, default=None, help="plan checks (default 30)")
    ap.add_argument("--work-limit", type=float, default=None, help="solver work per roster")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=None, help="processes (default: 2)")
    ap.add_argument("--scenarios", type=Path, default=ROOT / "assets" / "scenarios")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "scheduler.json")
    args = ap.parse_args(argv)
    days = 20 if args.quick else args.days
    search_days = args.search_days or (10 if args.quick else max(10, days // 2))
    results = []
    started = time.perf_counter()
    only = {n for n in args.only.split(",") if n}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for path in sorted(args.scenarios.glob("*.toml")):
        if only and path.stem not in only:
            continue
        t0 = time.perf_counter()
        scenario = load_scenario(path)
        if args.work_limit is not None:
            scenario.roster_work_limit = args.work_limit
        run = run_scenario(
            scenario, days, args.seed, workers=args.workers, replications=args.replications
        )
        needed = staff_hours_needed(
            scenario,
            POLICIES,
            search_days,
            args.seed + 1,
            workers=args.workers,
            work_limit=min(1.0, scenario.roster_work_limit),
            base=run.prepared,
        )
        print(format_run(run, needed))
        print(f"({time.perf_counter() - t0:.1f} s)\n", flush=True)
        results.append(run_to_dict(run, needed))
        partial = args.out.with_suffix(".partial.json")
        partial.write_text(json.dumps({"scenarios": results}, indent=2, ensure_ascii=False))
    print(side_by_side(results))
    unseen = unseen_days(args.unseen, args.seed, args.replications or (20 if args.quick else 40))
    print("\n== unseen random days: plan prediction vs fresh simulation ==")
    for row in unseen:
        print(
            f"case {row['case']}: {row['staff']} staff, {row['counters']} counters, "
            f"{row['staff_hours']} h planned; predicted {row['predicted_within_target']}, "
            f"simulated {row['simulated_within_target']} ({row['difference_points']:+} points), "
            f"{row['shortfall_intervals']} short intervals reported"
        )
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
        "unseen_days": unseen,
    }
    args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
