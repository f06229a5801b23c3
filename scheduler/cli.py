"""Entry points the core CLI wires up (``loket simulate``) and the benchmark uses."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from scheduler.planning import DayPlan
from scheduler.policies import POLICIES
from scheduler.report import compare, format_table, summarise
from scheduler.runner import ScenarioRun, prepare_day, run_scenario
from scheduler.scenario import WEEKDAYS, load_scenario


def _clean(value):
    """JSON has no NaN: write null instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def run_to_dict(run: ScenarioRun) -> dict:
    sc = run.scenario
    target = sc.target.within_minutes
    return _clean(
        {
            "scenario": sc.name,
            "description": sc.description,
            "file": str(sc.path) if sc.path else None,
            "days": run.days,
            "seed": run.seed,
            "policies": {p: summarise(days, target) for p, days in run.outcomes.items()},
            "vs_loket": compare(run.outcomes, "loket", target),
            "plans": {
                wd: {
                    "staff_hours": round(p.plan.roster.staff_minutes / 60, 2),
                    "roster_status": p.plan.roster.status,
                    "uncovered": [u.to_dict() for u in p.plan.roster.uncovered],
                    "appointment_capacity": p.plan.capacity.total(),
                    "appointments_refused": round(p.refused_appointments, 1),
                    "notes": p.notes,
                }
                for wd, p in run.prepared.items()
            },
        }
    )


def format_run(run: ScenarioRun) -> str:
    target = run.scenario.target.within_minutes
    summaries = {p: summarise(days, target) for p, days in run.outcomes.items()}
    head = f"{run.scenario.name} ({run.days} days, seed {run.seed})"
    return format_table(head, summaries, compare(run.outcomes, "loket", target))


def simulate_main(
    path: str | Path,
    days: int = 20,
    seed: int = 1,
    policy: str | None = None,
    as_json: bool = False,
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
    run = run_scenario(scenario, days, seed, policies)
    if as_json:
        print(json.dumps(run_to_dict(run), indent=2, ensure_ascii=False))
    else:
        print(format_run(run))
    return 0


def plan_for_day(path: str | Path, weekday: str) -> DayPlan:
    """The plan (staffing need, roster, appointment slots) for one weekday of a scenario."""
    if weekday not in WEEKDAYS:
        raise ValueError(f"weekday must be one of {', '.join(WEEKDAYS)}")
    scenario = load_scenario(path)
    if weekday not in scenario.hours:
        raise ValueError(f"the scenario has no opening hours on {weekday}")
    return prepare_day(scenario, weekday).plan
