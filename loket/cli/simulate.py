"""``loket simulate SCENARIO.toml``: run the scheduler's simulator on a scenario file."""

from __future__ import annotations

import argparse


def _simulate(args: argparse.Namespace) -> int:
    # Imported here so ``loket --help`` stays quick (SimPy, OR-Tools and numpy load lazily).
    from scheduler.cli import simulate_main

    return simulate_main(
        args.scenario, args.days, args.seed, args.policy, args.json, not args.no_staff_hours
    )


def register(sub: argparse._SubParsersAction) -> None:
    from scheduler.policies import POLICIES

    p = sub.add_parser(
        "simulate",
        help="simulate days of a scenario under Loket's planning and call order and baselines",
        description="Simulate a scenario file (TOML, see scheduler/README.md) with common "
        "random numbers and print waiting-time figures per policy.",
    )
    p.add_argument("scenario", metavar="SCENARIO.toml", help="scenario file")
    p.add_argument("--days", type=int, default=20, help="number of days (default 20)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--policy", choices=POLICIES, default=None, help="only this policy")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--no-staff-hours",
        action="store_true",
        help="skip the search for the staff-hours each policy needs for the norm (slow)",
    )
    p.set_defaults(func=_simulate)
