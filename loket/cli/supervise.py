"""``loket supervise ROLE …``: run a role and start it again when it stops with an error.

On Linux systemd does this (``Restart=always`` in the units). On Windows the Startup
shortcut of a kiosk or display PC runs ``loket-gui supervise kiosk --fullscreen``: the
role runs as a child process; when it exits with an error (a crash, a lost database) it
is started again after a pause that grows to a minute; when it ends normally (a team
leader closed the kiosk) supervise ends too. Each restart is logged (no arguments: they
could hold a name).
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import time

from loket.errors import Refused

log = logging.getLogger("loket.supervise")
ROLES = ("kiosk", "display", "counter", "reception", "manager")


def command_for(role_args: list[str]) -> list[str]:
    """The same program again: the bundle's executable, or ``python -m roles``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *role_args]
    return [sys.executable, "-m", "roles", *role_args]


def supervise(role_args: list[str], max_restarts: int | None, first_pause: float) -> int:
    role = next((a for a in role_args if a in ROLES), role_args[0])
    pause = first_pause
    restarts = 0
    while True:
        started = time.monotonic()
        code = subprocess.call(command_for(role_args))
        if code == 0:
            return 0
        if max_restarts is not None and restarts >= max_restarts:
            log.error("%s stopped with code %d; not restarted again", role, code)
            return code
        # A role that ran a good while gets the short pause again.
        pause = first_pause if time.monotonic() - started > 300 else min(pause * 2, 60.0)
        restarts += 1
        log.warning("%s stopped with code %d; restart %d in %.0f s", role, code, restarts, pause)
        print(
            f"{role} stopte (code {code}); opnieuw starten over {pause:.0f} s.",
            file=sys.stderr,
        )
        time.sleep(pause)


def _run(args: argparse.Namespace) -> int:
    role_args = [a for a in args.role_args if a != "--"]
    if not role_args or role_args[0] not in ROLES:
        raise Refused(
            f"Geef een rol: {', '.join(ROLES)}, bijvoorbeeld: supervise kiosk.", code="usage"
        )
    # The options given before "supervise" go to the role too.
    forwarded: list[str] = []
    for option in ("database", "now", "workstation"):
        if getattr(args, option, None):
            forwarded += [f"--{option}", str(getattr(args, option))]
    return supervise([*forwarded, *role_args], args.max_restarts, args.pause)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "supervise",
        help="run a role and restart it when it stops with an error (Windows autostart)",
    )
    p.add_argument("--max-restarts", type=int, default=None, help="give up after N restarts")
    p.add_argument("--pause", type=float, default=3.0, help="first pause before a restart (s)")
    p.add_argument("role_args", nargs=argparse.REMAINDER, help="the role and its options")
    p.set_defaults(func=_run)
