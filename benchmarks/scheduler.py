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
import math
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scheduler.cli import format_run, run_to_dict  # noqa: E402
from scheduler.policies import POLICIES  # noqa: E402
from scheduler.report import summarise  # noqa: E402
from scheduler.runner import ScenarioRun, run_scenario  # noqa: E402
from scheduler.scenario import Scenario, load_scenario  # noqa: E402
from scheduler.staffhours import (  # noqa: E402
    FACTORS,
    StaffHoursNeeded,
    day_staff_hours_needed,
    staff_hours_needed,
)


def unseen_days(
    count: int, seed: int, replications: int, search_replications: int = 100
) -> list[dict[str, object]]:
    """Plan random days, then simulate them on fresh visitors: predicted vs simulated,
    every policy on the plan's roster, and the staff-hours each policy needs."""
    import numpy as np

    from scheduler.unseen import random_day
    from scheduler.verify import prediction_replications, simulate_plan, verified_plan

    rows: list[dict[str, object]] = []
    for k in range(count):
        demand, staff, counters = random_day(np.random.default_rng([seed, 500 + k]))
        plan = verified_plan(demand, staff, counters, replications=replications, work_limit=1.0)
        reps = prediction_replications(plan, replications)
        fresh = simulate_plan(plan, staff, replications=reps, seed=seed * 1000 + k)
        pred = plan.predicted_within_target
        # Every policy on the plan's roster, the same fresh days; then the staff-hours
        # each needs for the norm (the plan and the rosters planned on its forecast
        # scaled), on fewer days per rung.
        shares = {
            name: round(
                fresh.within_target
                if name == "loket"
                else simulate_plan(
                    plan, staff, replications=reps, seed=seed * 1000 + k, policy=name
                ).within_target,
                4,
            )
            for name in POLICIES
        }
        needed = day_staff_hours_needed(
            plan,
            staff,
            counters,
            POLICIES,
            replications=min(reps, search_replications),
            seed=seed * 1000 + 500 + k,
        )
        rows.append(
            {
                "case": k,
                "staff": len(staff),
                "counters": counters,
                "staff_hours": round(plan.roster.staff_minutes / 60, 2),
                "predicted_within_target": pred,
                "simulated_within_target": round(fresh.within_target, 4),
                "simulated_days": reps,
                "difference_points": None
                if pred is None
                else round(100 * (fresh.within_target - pred), 2),
                "shortfall_intervals": len(plan.shortfalls),
                "within_target_by_policy": shares,
                "staff_hours_needed_for_norm": {
                    name: None if v.staff_hours is None else round(v.staff_hours, 2)
                    for name, v in needed.items()
                },
                "staff_hours_search_days": min(reps, search_replications),
            }
        )
    return rows


def prediction_check(run: ScenarioRun, visitors: int, seed: int) -> dict[str, object]:
    """The plan's prediction against Loket simulated on enough fresh days.

    The main run has 20-60 days; on a small office that is a few hundred visitors and
    its share is several points from the truth by chance alone. So Loket alone is run
    again on the same plans for whole weeks until about ``visitors`` visitors, with
    another seed, and the share gets a standard error (days as batches).
    """
    import numpy as np

    sc = run.scenario
    loket = run.outcomes["loket"]
    per_day = sum(o.kind.size for o in loket) / max(len(loket), 1)
    weeks = max(1, math.ceil(max(run.days, visitors / max(per_day, 1.0)) / len(sc.days)))
    days = weeks * len(sc.days)
    check = run_scenario(
        sc, days, seed, ("loket",), predict=False, prepared=run.prepared, lower_bound=False
    )
    target = sc.target.within_minutes
    n = np.array([o.wait.size for o in check.outcomes["loket"]], dtype=float)
    hits = np.array(
        [
            float((np.nan_to_num(o.wait, nan=np.inf) <= target).sum())
            for o in check.outcomes["loket"]
        ]
    )
    share = float(hits.sum() / n.sum()) if n.sum() else math.nan
    se = (
        float(np.sqrt(((hits - share * n) ** 2).sum() / (days * (days - 1))) / n.mean())
        if days > 1 and n.mean() > 0
        else math.nan
    )
    by_weekday: dict[str, dict[str, float | None]] = {}
    weights = []
    for wd, prep in run.prepared.items():
        mask = np.array([sc.days[k % len(sc.days)] == wd for k in range(days)])
        sim = float(hits[mask].sum() / n[mask].sum()) if n[mask].sum() else math.nan
        pred = prep.predicted_within_target
        by_weekday[wd] = {
            "predicted_within_target": pred,
            "simulated_within_target": round(sim, 4),
            "visitors_per_day": round(float(n[mask].mean()), 1),
        }
        if pred is not None:
            weights.append((pred, int(mask.sum()) * prep.plan_visitors))
    den = sum(w for _p, w in weights)
    predicted = sum(p * w for p, w in weights) / den if den else None
    return {
        "days": days,
        "seed": seed,
        "visitors": int(n.sum()),
        "simulated_within_target": round(share, 4),
        "standard_error": round(se, 4),
        "predicted_within_target": None if predicted is None else round(predicted, 4),
        "difference_points": None if predicted is None else round(100 * (share - predicted), 2),
        "by_weekday": by_weekday,
    }


def staff_hours_lines(loket: StaffHoursNeeded, days: int) -> str:
    """The staff-hours search's evidence: every rung, every policy's share there, and
    Loket against each policy on the roster where one of the two first met the norm."""
    lines = [f"staff-hours search, {days} days per rung (share within the norm per policy):"]
    for rung in loket.ladder:
        shares = cast(dict[str, float], rung["within_target"])
        label = "plan" if rung["factor"] is None else f"x{rung['factor']}"
        lines.append(
            f"  {label:>6} {rung['staff_hours']:>6.2f} h  "
            + "  ".join(f"{n} {v:.2%}" for n, v in shares.items())
        )
    for title, table in (("their", loket.versus), ("Loket's", loket.ahead)):
        for name, d in table.items():
            lines.append(
                f"  loket - {name} on {title} roster: {100 * d['share_difference']:+.2f} points "
                f"[{100 * d['low']:+.2f}, {100 * d['high']:+.2f}] (paired by day)"
            )
    return "\n".join(lines)


def search_days_for(run: ScenarioRun, visitors: int, minimum: int) -> int:
    """Days per rung of the staff-hours search: whole weeks of the scenario for about
    ``visitors`` visitors, at least ``minimum``. Whether a policy reaches 95% on a rung
    is decided on these days; with 10 days (1,000-1,400 visitors) a share moves by a
    point from one seed to the next, enough to turn "tie" into "+5.5 h"."""
    loket = run.outcomes["loket"]
    per_day = sum(o.kind.size for o in loket) / max(len(loket), 1)
    week = len(run.scenario.days)
    weeks = math.ceil(max(minimum, visitors / max(per_day, 1.0)) / week)
    return max(minimum, weeks * week)


def miss_breakdown(scenario: Scenario, factor: float, days: int, seed: int) -> dict[str, object]:
    """Who misses the norm on a tight roster (planned on the forecast x ``factor``),
    per policy on the same days, with Loket's dispatcher before issue 11's change
    (``missed_yield=False``) beside it: the evidence for what the change fixes."""
    from collections.abc import Callable
    from dataclasses import replace
    from functools import partial

    from scheduler.dispatch import DispatchPolicy
    from scheduler.policies import LoketPolicy, Policy, make_policy
    from scheduler.report import misses
    from scheduler.runner import day_input, prepare_day
    from scheduler.simulator import simulate_day

    base = {wd: prepare_day(scenario, wd) for wd in dict.fromkeys(scenario.days)}
    rung = {
        wd: prepare_day(
            scenario,
            wd,
            verify=False,
            demand_factor=factor,
            work_limit=min(1.0, scenario.roster_work_limit),
            capacity=base[wd].plan.capacity,
        )
        for wd in base
    }
    target, limit = scenario.target.within_minutes, scenario.limit_minutes

    def before() -> LoketPolicy:
        p = LoketPolicy(
            replace(
                DispatchPolicy(),
                target=timedelta(minutes=target),
                limit=timedelta(minutes=limit),
                missed_yield=False,
            )
        )
        p.name = "loket_before"
        return p

    makers: dict[str, Callable[[], Policy]] = {
        name: partial(make_policy, name, target, limit) for name in POLICIES
    }
    makers["loket_before"] = before
    outcomes: dict[str, list] = {name: [] for name in makers}
    show = 1.0 - scenario.visitors.no_show_rate
    for d in range(days):
        day = day_input(rung[scenario.days[d % len(scenario.days)]], d, seed, show)
        for name, make in makers.items():
            outcomes[name].append(simulate_day(day, make()))
    hours = sum(p.plan.roster.staff_minutes for p in rung.values()) / 60 / len(rung)
    return {
        "factor": factor,
        "staff_hours": round(hours, 2),
        "days": days,
        "within_target": {
            n: round(float(summarise(o, target)["within_target"]), 4) for n, o in outcomes.items()
        },
        "misses": {n: misses(o, target) for n, o in outcomes.items()},
    }


def format_misses(name: str, m: dict) -> str:
    lines = [
        f"== {name}: who misses the norm on the roster planned on the forecast x "
        f"{m['factor']} ({m['staff_hours']} h), {m['days']} days, per day =="
    ]
    for policy, got in m["misses"].items():
        per = got["per_day"]
        hours = " ".join(
            f"{h}h:{v['walk_in_late']:.1f}/{v['walked_out']:.1f}/{v['appointment_late']:.1f}"
            for h, v in got["by_hour"].items()
        )
        lines.append(
            f"  {policy:<15} {m['within_target'][policy]:.2%}  late walk-ins "
            f"{per['walk_in_late']:.2f}, walk-outs {per['walked_out']:.2f}, late "
            f"appointments {per['appointment_late']:.2f}; by hour (late/out/appt) {hours}"
        )
    return "\n".join(lines)


BASELINES = ("fixed", "longest_wait", "priority_aging")


def verdict(r: dict) -> str:
    """Staff-hours per day Loket saves against the cheapest baseline, or why not.

    Where baselines need fewer hours than Loket, Loket's share on each of their rosters
    is compared paired by day, and the least favourable comparison decides: "tie" when
    its 95% interval holds 0 (Loket misses the norm there by noise), "NO" otherwise.
    """
    need = {n: r["policies"].get(n, {}).get("staff_hours_needed_for_norm") for n in POLICIES}
    mine = need.get("loket")
    reached = {n: v for n, v in need.items() if n in BASELINES and v is not None}
    if not reached:
        return "-" if mine is None else "only loket"
    cheapest = min(reached.values())
    if mine is not None and mine <= cheapest + 1e-9:
        return f"{cheapest - mine:+.2f} h"
    versus = r.get("staff_hours_search", {}).get("loket", {}).get("versus", {})
    worst = min(
        (versus[n] for n in reached if n in versus),
        key=lambda v: v["high"],
        default=None,
    )
    more = "" if mine is None else f" {cheapest - mine:+.2f} h"
    if worst is not None and worst["high"] >= 0:
        return f"tie{more}"
    return f"NO{more}"


def least_lead(r: dict) -> float | None:
    """Loket's share minus the best baseline's, on the rung where that is smallest (in
    points). Every rung is simulated on the same days for every policy, so when this is
    >= 0 no baseline can need fewer staff-hours than Loket on this ladder, whatever the
    noise in the absolute share."""
    ladder = r.get("staff_hours_search", {}).get("loket", {}).get("ladder", [])
    leads = [
        100 * (rung["within_target"]["loket"] - rung["within_target"][name])
        for rung in ladder
        for name in BASELINES
        if name in rung["within_target"]
    ]
    return min(leads) if leads else None


def at_floor(r: dict, policy: str) -> bool:
    """The policy met the norm on the smallest roster of the ladder: it may need less."""
    found = r.get("staff_hours_search", {}).get(policy, {})
    return found.get("factor") is not None and found.get("factor") == min(FACTORS)


def side_by_side(results: list[dict]) -> str:
    """One line per scenario: Loket's figures and the staff-hours each policy needs."""
    names = list(POLICIES)
    head = (
        f"{'scenario':<22} {'loket<=5':>8} {'P95+out':>7} {'mean+out':>8} {'LB':>5} "
        f"{'pred':>6} {'check':>6} {'diff':>5} {'SE':>4} {'refused':>7}  "
        + " ".join(f"{n[:12]:>12}" for n in names)
        + f"  {'loket saves':>11} {'lead':>5}"
    )
    lines = [
        "== side by side: Loket's figures; staff-hours per day each policy needs for the "
        "norm (- = not reached on any roster tried) ==",
        head,
    ]
    for r in results:
        lk = r["policies"].get("loket", {})
        need = {n: r["policies"].get(n, {}).get("staff_hours_needed_for_norm") for n in names}
        chk = r.get("prediction_check") or {}
        pred, sim = chk.get("predicted_within_target"), chk.get("simulated_within_target")
        diff = "" if pred is None or sim is None else f"{100 * (sim - pred):+.1f}"
        se = chk.get("standard_error")
        saves = verdict(r)
        cells = " ".join(
            f"{'-' if v is None else ('<=' if at_floor(r, n) else '') + f'{v:.2f}':>12}"
            for n, v in need.items()
        )

        def num(v: object, fmt: str) -> str:
            return "-" if v is None else format(v, fmt)

        lines.append(
            f"{r['scenario']:<22} {num(lk.get('within_target'), '.1%'):>8} "
            f"{num(lk.get('p95_wait_incl_walkouts'), '.2f'):>7} "
            f"{num(lk.get('mean_wait_incl_walkouts'), '.2f'):>8} "
            f"{num(lk.get('mean_wait_lower_bound'), '.2f'):>5} "
            f"{num(pred, '.1%'):>6} {num(sim, '.1%'):>6} {diff:>5} "
            f"{num(None if se is None else 100 * se, '.1f'):>4} "
            f"{num(lk.get('refused_requests_per_day'), '.1f'):>7}  {cells}  {saves:>11} "
            f"{num(least_lead(r), '+.1f'):>5}"
        )
    lines.append(
        "loket<=5, P95+out, mean+out: Loket in the main run (walk-outs are misses / waited "
        "their patience); LB: lower bound on mean+out no call order can beat; pred: the "
        "plan's own prediction; check: Loket simulated on fresh whole weeks (SE in points); "
        "diff = check - pred; refused: appointment requests per day without a slot; "
        "loket saves: staff-hours per day the cheapest baseline needs more than Loket "
        "(pooled is a reference, not a baseline); tie: a baseline reached the norm on a "
        "smaller roster, where Loket's share is within the paired 95% interval of theirs "
        "(the hours are what Loket needs more); <=: met on the smallest roster tried; lead: "
        "Loket's share minus the best baseline's on the rung of the search where it is "
        "smallest, in points (same days for all: >= 0 means no baseline can need fewer hours)."
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
        "--search-days",
        type=int,
        default=None,
        help="at least this many days per staffing level (default: 10, or days/2)",
    )
    ap.add_argument(
        "--search-visitors",
        type=int,
        default=8000,
        help="visitors per staffing level: whole weeks up to this many (default 8000)",
    )
    ap.add_argument("--unseen", type=int, default=4, help="random unseen days to check")
    ap.add_argument("--only", default="", help="comma-separated scenario names (default: all)")
    ap.add_argument("--replications", type=int, default=None, help="plan checks (default 30)")
    ap.add_argument("--work-limit", type=float, default=None, help="solver work per roster")
    ap.add_argument(
        "--check-visitors",
        type=int,
        default=6000,
        help="visitors behind the prediction check per scenario (default 6000)",
    )
    ap.add_argument(
        "--table-from", type=Path, default=None, help="only print the side-by-side table of a JSON"
    )
    ap.add_argument(
        "--misses",
        type=float,
        default=None,
        help="only: who misses the norm per policy on the roster planned on forecast x F",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=None, help="processes (default: 2)")
    ap.add_argument("--scenarios", type=Path, default=ROOT / "assets" / "scenarios")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "scheduler.json")
    args = ap.parse_args(argv)
    if args.table_from is not None:
        print(side_by_side(json.loads(args.table_from.read_text())["scenarios"]))
        return 0
    days = 20 if args.quick else args.days
    if args.misses is not None:
        found = {}
        for path in sorted(args.scenarios.glob("*.toml")):
            if args.only and path.stem not in args.only.split(","):
                continue
            found[path.stem] = miss_breakdown(
                load_scenario(path), args.misses, args.search_days or 40, args.seed + 1
            )
            print(format_misses(path.stem, found[path.stem]), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(found, indent=2, ensure_ascii=False))
        return 0
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
        level_days = search_days_for(run, args.search_visitors, search_days)
        needed = staff_hours_needed(
            scenario,
            POLICIES,
            level_days,
            args.seed + 1,
            workers=args.workers,
            work_limit=min(1.0, scenario.roster_work_limit),
            base=run.prepared,
        )
        print(format_run(run, needed))
        print(staff_hours_lines(needed["loket"], level_days))
        data = run_to_dict(run, needed)
        data["staff_hours_search_days"] = level_days
        check = prediction_check(run, args.check_visitors, args.seed + 100)
        data["prediction_check"] = check
        print(
            f"prediction check: plan {check['predicted_within_target']}, Loket on "
            f"{check['days']} fresh days ({check['visitors']} visitors) "
            f"{check['simulated_within_target']} +- {check['standard_error']} "
            f"({check['difference_points']:+} points)"
        )
        print(f"({time.perf_counter() - t0:.1f} s)\n", flush=True)
        results.append(data)
        partial = args.out.with_suffix(".partial.json")
        partial.write_text(json.dumps({"scenarios": results}, indent=2, ensure_ascii=False))
    print(side_by_side(results))
    unseen = unseen_days(args.unseen, args.seed, args.replications or (20 if args.quick else 40))
    print("\n== unseen random days: plan prediction vs fresh simulation ==")
    for row in unseen:
        print(
            f"case {row['case']}: {row['staff']} staff, {row['counters']} counters, "
            f"{row['staff_hours']} h planned; predicted {row['predicted_within_target']}, "
            f"simulated {row['simulated_within_target']} on {row['simulated_days']} fresh days "
            f"({row['difference_points']:+} points), "
            f"{row['shortfall_intervals']} short intervals reported"
        )
        shares = cast(dict[str, float], row["within_target_by_policy"])
        hours = cast(dict[str, float | None], row["staff_hours_needed_for_norm"])
        print(
            "  within the norm on the plan's roster: "
            + ", ".join(f"{n} {v:.1%}" for n, v in shares.items())
        )
        print(
            "  staff-hours needed for the norm: "
            + ", ".join(f"{n} {'-' if v is None else f'{v:.2f}'}" for n, v in hours.items())
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
