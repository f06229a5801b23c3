"""``loket plan``: the municipality's stored plan for one day, from the database alone."""

from __future__ import annotations

import argparse

from loket.cli.common import add_json, emit, services
from loket.clock import parse_day
from loket.plan_builder import SOURCE_NL


def _plan(args: argparse.Namespace) -> int:
    day = parse_day(args.date)
    plan = services(args).planning.plan(day, replan=args.replan)
    branches = [b for b in plan.branches if args.branch in (None, b.code)]
    if args.branch and not branches:
        services(args).require_branch(args.branch)
    lines = [
        f"Plan {plan.day.isoformat()} versie {plan.version} "
        f"(voorspelling: {SOURCE_NL.get(plan.forecast_source, plan.forecast_source)})"
    ]
    lines += [f"  gewijzigd: {c}" for c in plan.changes]
    if plan.absent:
        lines.append("  afwezig: " + ", ".join(f"{n} ({r})" for n, r in plan.absent))
    for b in branches:
        lines.append(f"{b.name}:")
        if b.closed:
            lines.append(f"  gesloten: {b.closed}")
            continue
        lines.append(f"  {b.forecast_note}")
        lines.append("  tijd   inloop  nodig  ingeroosterd  binnen norm")
        for i in b.intervals:
            lines.append(
                f"  {i.start}  {i.walk_in:6.1f}  {i.need:5d}  {i.staffed:12d}  "
                f"{i.share_within_norm:10.0%}"
            )
        for s in b.shifts:
            where = ", ".join(f"balie {c} {a}-{e}" for a, e, c in s.counters)
            pauses = ", ".join(f"pauze {a}-{e}" for a, e in s.breaks)
            lines.append(
                f"  {s.name:<8} {s.start}-{s.end}  {where}" + (f"  ({pauses})" if pauses else "")
            )
        lines += [f"  tekort {u}" for u in b.uncovered]
        if b.share_within_norm is not None:
            target = (
                f" ({b.norm_minutes:g} min, doel {b.target_share:.0%})"
                if b.norm_minutes is not None and b.target_share is not None
                else ""
            )
            lines.append(f"  verwacht binnen de norm{target}: {b.share_within_norm:.0%}")
    data = {
        "day": plan.day.isoformat(),
        "version": plan.version,
        "trigger": plan.trigger,
        "forecast_source": plan.forecast_source,
        "changes": list(plan.changes),
        "absent": [{"name": n, "reason": r} for n, r in plan.absent],
        "branches": {b.code: plan.data["branches"][b.code] for b in branches},
    }
    emit(args, data, "\n".join(lines))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    plan = sub.add_parser(
        "plan", help="the stored plan of a day: need, roster, capacity (built when missing)"
    )
    plan.add_argument("--date", required=True, help="e.g. 2026-11-24")
    plan.add_argument("--branch", help="show one branch (the plan covers them all)")
    plan.add_argument(
        "--replan", action="store_true", help="store a new version from the current one"
    )
    add_json(plan)
    plan.set_defaults(func=_plan)
