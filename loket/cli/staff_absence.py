"""``loket staff absent``: record leave or sickness; the stored plans it touches are
re-planned and the changes printed. Added to the ``staff`` command group."""

from __future__ import annotations

import argparse

from loket.cli.common import add_json, emit, services
from loket.clock import parse_day
from loket.plan_service import REASONS_NL


def _absent(args: argparse.Namespace) -> int:
    first = parse_day(args.from_day)
    last = parse_day(args.to_day) if args.to_day else first
    result = services(args).planning.record_absence(args.code, first, last, args.reason)
    lines = [
        f"{result.name} is afwezig ({result.reason}) van {first:%d-%m-%Y} tot en met "
        f"{last:%d-%m-%Y}."
    ]
    if not result.replanned:
        lines.append("Er waren nog geen plannen voor die dagen.")
    for plan in result.replanned:
        lines.append(f"Plan {plan.day:%d-%m-%Y} opnieuw gemaakt (versie {plan.version}):")
        lines += [f"  {c}" for c in plan.changes] or ["  niets veranderd."]
    data = {
        "staff": result.staff,
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "reason": args.reason,
        "replanned": [
            {"day": p.day.isoformat(), "version": p.version, "changes": list(p.changes)}
            for p in result.replanned
        ],
    }
    emit(args, data, "\n".join(lines))
    return 0


def add_absent(staff_sub: argparse._SubParsersAction) -> None:
    """Add ``absent`` to the ``loket staff`` subcommands."""
    absent = staff_sub.add_parser("absent", help="record leave or sickness and re-plan")
    absent.add_argument("--code", required=True, help="the colleague's staff code")
    absent.add_argument("--from", dest="from_day", required=True, help="first day, e.g. 2026-11-24")
    absent.add_argument("--to", dest="to_day", help="last day (default: the first day)")
    absent.add_argument("--reason", required=True, choices=sorted(REASONS_NL))
    add_json(absent)
    absent.set_defaults(func=_absent)
