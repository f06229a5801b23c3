"""``loket``: every role and every queue operation from the command line."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from loket import __version__, logging_setup
from loket.cli.common import ShowMessage, run_command

# One module per command group; each has register(subparsers). Modules whose
# optional parts are missing on this PC are skipped, not fatal.
# The role and demo commands open windows: they live with the composition root
# (``roles.commands``), which passes them in as ``extra`` (``roles.cli``).
COMMAND_MODULES = [
    "loket.cli.db",
    "loket.cli.config",
    "loket.cli.ticket",
    "loket.cli.appointment",
    "loket.cli.queue",
    "loket.cli.events",
    "loket.cli.simulate",
    "loket.cli.plan",
    "loket.cli.staff",
    "loket.cli.hardware",
    "loket.cli.privacy",
    "loket.cli.report",
    "loket.cli.keys",
    "loket.cli.backup",
    "loket.cli.supervise",
]
log = logging.getLogger("loket.cli")


def build_parser(extra: Sequence[str] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loket",
        description="Loket: the front desk of the town hall. Roles: kiosk, display, counter, "
        "reception, manager, demo.",
    )
    parser.add_argument("--version", action="version", version=f"loket {__version__}")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: $LOKET_DATABASE_URL or a SQLite file in the data directory)",
    )
    parser.add_argument(
        "--now",
        metavar="ISO-TIME",
        help="run as if it is this moment, e.g. 2026-11-24T09:00 (also $LOKET_NOW)",
    )
    parser.add_argument(
        "--workstation", default=None, help="name of this PC in the event log (default: host name)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in [*extra, *COMMAND_MODULES]:  # extra first: --help lists the roles first
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(
    argv: Sequence[str] | None = None, extra: Sequence[str] = (), show: ShowMessage | None = None
) -> int:
    """The ``loket`` command; ``extra`` command modules and ``show`` (a message in a
    window) come from the composition root, so this package never imports Qt."""
    parser = build_parser(extra)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    logging_setup.configure()
    # The command's name only: its arguments may hold a resident's name or e-mail.
    words = [args.command] + [
        str(v) for k, v in vars(args).items() if k.endswith("_command") and isinstance(v, str)
    ]
    log.info("command: %s", " ".join(words))
    code = run_command(args, show)
    if code:
        log.info("command ended with code %d", code)
    return code


if __name__ == "__main__":
    sys.exit(main())
