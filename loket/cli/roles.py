"""``loket kiosk|display|counter|reception|manager``: start this PC in its role.

Qt is imported inside the command only, so every other command runs on a PC without
a screen (a server, a scheduled job).
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = {
    "kiosk": "touch kiosk at the entrance: check in, take a number, rate a visit",
    "display": "waiting-room screen: calls, chime and speech, waits per service",
    "counter": "counter workstation for staff (log in with card or PIN)",
    "reception": "reception: numbers for visitors, check-in, calendar, live queue",
    "manager": "team leader's monitor: queues against the norm, counters, alerts",
}


def _monitor(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _size(value: str | None) -> tuple[int, int] | None:
    if not value or value.isdigit():
        return None
    from kiosk.fit_check import parse_screen

    size = parse_screen(value)
    return (size.width(), size.height())


def _run(args: argparse.Namespace) -> int:
    from counter.app import RoleOptions, run_role

    return run_role(
        RoleOptions(
            role=args.command,
            database=args.database,
            now=args.now,
            workstation=args.workstation,
            branch=args.branch,
            counter=getattr(args, "counter", None),
            hardware=args.hardware,
            fullscreen=args.fullscreen,
            screen=_monitor(getattr(args, "screen", None)),
            screen_size=_size(getattr(args, "screen", None)),
            screenshot=args.screenshot,
        )
    )


def register(sub: argparse._SubParsersAction) -> None:
    for role, text in HELP.items():
        p = sub.add_parser(role, help=text, description=text)
        p.add_argument(
            "--branch",
            metavar="CODE",
            help="branch code (default: [pc] branch in the hardware file, else the first branch)",
        )
        if role == "counter":
            p.add_argument("--counter", type=int, metavar="N", help="counter number shown at login")
        p.add_argument(
            "--screen",
            metavar="WxH" if role != "display" else "N|WxH",
            help="render as on a screen of this size, e.g. 1366x768"
            + (" (or N: the monitor to use, 0 = first, default 1)" if role == "display" else ""),
        )
        p.add_argument(
            "--hardware",
            type=Path,
            metavar="FILE",
            help="this PC's hardware TOML (default: $LOKET_HARDWARE_CONFIG or hardware.toml "
            "in the user config directory; missing: simulated devices)",
        )
        mode = p.add_mutually_exclusive_group()
        default = "fullscreen" if role in ("kiosk", "display") else "windowed"
        mode.add_argument(
            "--fullscreen", dest="fullscreen", action="store_true", default=None,
            help="fill the screen" + (" (default)" if default == "fullscreen" else ""),
        )  # fmt: skip
        mode.add_argument(
            "--windowed", dest="fullscreen", action="store_false",
            help="a normal window" + (" (default)" if default == "windowed" else ""),
        )  # fmt: skip
        p.add_argument(
            "--screenshot", type=Path, metavar="FILE", help="save a PNG of the window and exit"
        )
        p.set_defaults(func=_run)
