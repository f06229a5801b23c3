"""``loket queue``: the live queue of a branch."""

from __future__ import annotations

import argparse

from loket.cli.common import add_json, emit, services

STATUS = {"waiting": "wacht", "called": "opgeroepen", "serving": "aan de balie", "parked": "apart"}


def _show(args: argparse.Namespace) -> int:
    snap = services(args).snapshot(args.branch)
    lines = [f"{snap.branch_name}, {snap.now:%d-%m-%Y %H:%M}: {len(snap.waiting)} wachtend"]
    for t in snap.open_tickets:
        where = f" balie {t.counter}" if t.counter else ""
        lines.append(
            f"  {t.number:>6}  {t.service_name:<32} {STATUS.get(t.status, t.status)}"
            f"{where}  {t.waited_minutes(snap.now)} min"
        )
    emit(args, snap, "\n".join(lines))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    q = sub.add_parser("queue", help="the live queue")
    qsub = q.add_subparsers(dest="queue_command", metavar="ACTION", required=True)
    show = qsub.add_parser("show", help="open tickets of a branch")
    show.add_argument("--branch", required=True)
    add_json(show)
    show.set_defaults(func=_show)
