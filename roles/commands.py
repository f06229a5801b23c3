"""The commands that open windows: ``loket kiosk|display|counter|reception|manager``
(start this PC in its role) and ``loket demo`` (every role in one process).

Qt is imported inside the command only, so ``loket --help`` and every other command
run on a PC without a screen (a server, a scheduled job).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from loket.clock import parse_moment

HELP = {
    "kiosk": "touch kiosk at the entrance: check in, take a number, rate a visit",
    "display": "waiting-room screen: calls, chime and speech, waits per service",
    "counter": "counter workstation for staff (log in with card or PIN)",
    "reception": "reception: numbers for visitors, check-in, calendar, live queue",
    "manager": "team leader's monitor: queues against the norm, counters, alerts",
}


def _monitor(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def parse_screen_size(text: str) -> tuple[int, int]:
    """``"1366x768"`` → (1366, 768); a clear sentence for anything else."""
    match = re.fullmatch(r"(\d{3,5})x(\d{3,5})", text.strip().lower())
    if not match:
        raise ValueError(
            f"Schermgrootte '{text}' klopt niet. Schrijf breedte x hoogte, zoals 1366x768."
        )
    return int(match.group(1)), int(match.group(2))


def _size(value: str | None) -> tuple[int, int] | None:
    if not value or value.isdigit():
        return None
    return parse_screen_size(value)


def _run(args: argparse.Namespace) -> int:
    from roles.pcs import RoleOptions, run_role

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
        p.set_defaults(func=_run, opens_window=True)
    _register_demo(sub)


def _demo(args: argparse.Namespace) -> int:
    # Qt only here, so the rest of the CLI runs on PCs without a screen.
    from loket.demo import create_demo
    from roles.demo import run_demo

    start = parse_moment(args.now) if args.now else None
    demo = create_demo(start)
    screen = None
    if args.screen:
        try:
            screen = parse_screen_size(args.screen)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
    return run_demo(demo, Path(args.screenshot) if args.screenshot else None, screen)


def _register_demo(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="all roles in one process with simulated hardware")
    demo.add_argument(
        "--screenshot", metavar="DIR", help="save a PNG of every window to DIR and exit"
    )
    demo.add_argument(
        "--screen",
        metavar="WxH",
        help="render every window as on a screen of this size, e.g. 1366x768 or 1080x1920",
    )
    demo.set_defaults(func=_demo)
