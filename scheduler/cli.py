"""Entry points the core CLI wires up (``loket simulate``) and the benchmark uses."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

from scheduler.planning import DayPlan
from scheduler.policies import POLICIES
from scheduler.report import compare, format_table, summarise
from scheduler.runner import ScenarioRun, prepare_day, run_scenario
from scheduler.scenario import WEEKDAYS, load_scenario
from scheduler.staffhours import StaffHoursNeeded, staff_hours_needed


def _clean(value: Any) -> Any:
    """JSON has no NaN: write null instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def run_to_dict(run: ScenarioRun, needed: dict[str, StaffHoursNeeded] | None = None) -> dict:
    """The run as JSON-ready data. ``needed``: the staff-hours search per policy."""
    sc = run.scenario
    target = sc.target.within_minutes
    policies = {p: summarise(days, target) for p, days in run.outcomes.items()}
    for name, figures in policies.items():
        found = (needed or {}).get(name)
        figures["staff_hours_needed_for_norm"] = (
            None if found is None or found.staff_hours is None else round(found.staff_hours, 2)
        )
    sim_days: dict[str, int] = {}
    for k in range(run.days):
        wd = sc.days[k % len(sc.days)]
        sim_days[wd] = sim_days.get(wd, 0) + 1
    weighted = [
        (p.predicted_within_target, sim_days.get(wd, 0) * p.plan_visitors)
        for wd, p in run.prepared.items()
        if p.predicted_within_target is not None
    ]
    den = sum(w for _v, w in weighted)
    predicted = sum(v * w for v, w in weighted) / den if den else None
    return _clean(
        {
            "scenario": sc.name,
            "description": sc.description,
            "file": str(sc.path) if sc.path else None,
            "days": run.days,
            "seed": run.seed,
            "policies": policies,
            "staff_hours_searched": needed is not None,
            "staff_hours_search": {p: n.to_dict() for p, n in (needed or {}).items()},
            "predicted_within_target": predicted,
            "vs_loket": compare(run.outcomes, "loket", target),
            "plans": {
                wd: {
                    "staff_hours": round(p.plan.roster.staff_minutes / 60, 2),
                    "roster_status": p.plan.roster.status,
                    "optimality_gap": p.plan.roster.gap,
                    "predicted_within_target": p.predicted_within_target,
                    "shortfalls": p.plan.shortfalls,
                    "refused_requests_become": sc.visitors.refused_requests,
                    "uncovered": [u.to_dict() for u in p.plan.roster.uncovered],
                    "appointment_capacity": p.plan.capacity.total(),
                    "appointments_refused": round(p.refused_appointments, 1),
                    "notes": p.notes,
                }
                for wd, p in run.prepared.items()
            },
        }
    )


def _share_error(days: list, target: float) -> float:
    """Standard error of the share within the norm, the days taken as batches."""
    n = [d.wait.size for d in days]
    hits = [int((d.wait[~np.isnan(d.wait)] <= target).sum()) for d in days]
    k, total = len(days), sum(n)
    if k < 2 or not total:
        return math.nan
    share = sum(hits) / total
    var = sum((h - share * m) ** 2 for h, m in zip(hits, n, strict=True)) / (k * (k - 1))
    return math.sqrt(var) / (total / k)


def format_run(run: ScenarioRun, needed: dict[str, StaffHoursNeeded] | None = None) -> str:
    data = run_to_dict(run, needed)
    target = run.scenario.target.within_minutes
    summaries = {p: summarise(days, target) for p, days in run.outcomes.items()}
    for name, s in summaries.items():
        s["staff_hours_needed_for_norm"] = data["policies"][name]["staff_hours_needed_for_norm"]
    head = f"{run.scenario.name} ({run.days} days, seed {run.seed})"
    lines = [format_table(head, summaries, compare(run.outcomes, "loket", target))]
    pred = data["predicted_within_target"]
    sim = summaries.get("loket", {}).get("within_target")
    if pred is not None and sim is not None:
        se = _share_error(run.outcomes.get("loket", []), target)
        lines.append(
            f"plan predicted {pred:.1%} within the norm; simulated {sim:.1%} +- {se:.1%} "
            f"over {run.days} days (difference {100 * (sim - pred):+.1f} points; few days "
            "of a small office swing by several points)"
        )
    for wd, plan in data["plans"].items():
        for short in plan["shortfalls"]:
            missing = ", ".join(
                f"{m['colleagues']} x {'/'.join(m['skills'])}" for m in short["missing"]
            )
            lines.append(
                f"  short {wd} {short['start']}-{short['end']}: "
                f"{short['simulated_within_target']:.0%} for {', '.join(short['services'])}"
                + (f"; missing {missing}" if missing else "")
            )
    return "\n".join(lines)


def simulate_main(
    path: str | Path,
    days: int = 20,
    seed: int = 1,
    policy: str | None = None,
    as_json: bool = False,
    staff_hours: bool = True,
    replications: int | None = None,
) -> int:
    """``loket simulate``: run a scenario file and print the figures. Returns an exit code."""
    try:
        scenario = load_scenario(path)
    except (OSError, ValueError, KeyError) as exc:
        print(f"Fout: scenario {path} kan niet worden gelezen: {exc}", file=sys.stderr)
        return 2
    if policy is not None and policy not in POLICIES:
        print(f"Fout: onbekend beleid {policy!r}; kies uit {', '.join(POLICIES)}", file=sys.stderr)
        return 2
    policies = POLICIES if policy is None else (policy,)
    run = run_scenario(scenario, days, seed, policies, replications=replications)
    needed = (
        staff_hours_needed(scenario, policies, days, seed, base=run.prepared)
        if staff_hours
        else None
    )
    if as_json:
        print(json.dumps(run_to_dict(run, needed), indent=2, ensure_ascii=False))
    else:
        print(format_run(run, needed))
    return 0


def plan_for_day(path: str | Path, weekday: str, replications: int | None = None) -> DayPlan:
    """The plan (staffing need, roster, appointment slots) for one weekday of a scenario."""
    if weekday not in WEEKDAYS:
        raise ValueError(f"weekday must be one of {', '.join(WEEKDAYS)}")
    scenario = load_scenario(path)
    if weekday not in scenario.hours:
        raise ValueError(f"the scenario has no opening hours on {weekday}")
    return prepare_day(scenario, weekday, replications=replications).plan
