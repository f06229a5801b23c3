"""``loket demo``: every role in one process, on a throw-away database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loket.clock import parse_moment


def _demo(args: argparse.Namespace) -> int:
    # Qt only here, so the rest of the CLI runs on PCs without a screen.
    from counter.demo_app import run_demo
    from loket.demo import create_demo

    start = parse_moment(args.now) if args.now else None
    demo = create_demo(start)
    screen = None
    if args.screen:
        from kiosk.fit_check import parse_screen

        try:
            size = parse_screen(args.screen)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        screen = (size.width(), size.height())
    return run_demo(demo, Path(args.screenshot) if args.screenshot else None, screen)


def register(sub: argparse._SubParsersAction) -> None:
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
