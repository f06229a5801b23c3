"""``loket plan``: staffing need, roster and appointment capacity for one day."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from loket.cli.common import add_json, emit, services
from loket.errors import Refused


def _plan(args: argparse.Namespace) -> int:
    try:
        day = date.fromisoformat(args.date.strip())
    except ValueError:
        raise Refused(
            "Deze datum bestaat niet of is niet te lezen. Schrijf de datum zo: 2026-11-24.",
            code="date",
        ) from None
    plan = services(args).plan(args.branch, day, Path(args.scenario) if args.scenario else None)
    lines = [f"Plan {plan['branch']} {plan['day']}"] + [f"  {n}" for n in plan["notes"]]
    if "intervals" in plan:
        lines.append("  tijd   bezoek  nodig  ingeroosterd")
        for i in plan["intervals"]:
            lines.append(f"  {i['start']}  {i['arrivals']:6.1f}  {i['need']:5d}  {i['staffed']:5d}")
        for shift in plan["roster"].get("shifts", []):
            where = ", ".join(f"balie {c} {a}-{b}" for a, b, c in shift["counters"])
            pauses = ", ".join(f"pauze {a}-{b}" for a, b in shift["breaks"])
            lines.append(
                f"  {shift['staff']:<8} {shift['start']}-{shift['end']}  {where}"
                + (f"  ({pauses})" if pauses else "")
            )
        lines.append(f"  verwacht binnen de norm: {plan['predicted_share_within_norm']:.0%}")
    emit(args, plan, "\n".join(lines))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    plan = sub.add_parser("plan", help="staffing need, roster and appointment capacity for a day")
    plan.add_argument("--branch", required=True)
    plan.add_argument("--date", required=True, help="e.g. 2026-11-24")
    plan.add_argument(
        "--scenario", help="scenario file for the walk-in forecast when there is no history yet"
    )
    add_json(plan)
    plan.set_defaults(func=_plan)
