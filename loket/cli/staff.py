"""``loket staff``: staff commands. Minimal group until [rollout]'s version lands; the
absence command lives in loket/cli/staff_absence.py."""

from __future__ import annotations

import argparse

from loket.cli.staff_absence import add_absent


def register(sub: argparse._SubParsersAction) -> None:
    staff = sub.add_parser("staff", help="staff: absences")
    ssub = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    add_absent(ssub)
