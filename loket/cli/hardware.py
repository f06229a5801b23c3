"""``loket hardware check``: test this PC's printer, card reader, scanner and announcer."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from hardware.check import run_check
from hardware.config import HardwareConfig


def default_config_path() -> Path:
    env = os.environ.get("LOKET_HARDWARE_CONFIG")
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("loket")) / "hardware.toml"


def _check(args: argparse.Namespace) -> int:
    path = args.config or default_config_path()
    if path.exists():
        try:
            cfg = HardwareConfig.load(path)
        except (ValueError, OSError) as exc:
            print(f"Fout: het instellingenbestand {path} klopt niet: {exc}", file=sys.stderr)
            return 2
    elif args.config:
        print(f"Fout: het instellingenbestand {path} bestaat niet.", file=sys.stderr)
        return 2
    else:
        if not args.json:
            print(f"Geen instellingen gevonden in {path}; er is geen apparaat ingesteld.")
        cfg = HardwareConfig()
    return run_check(cfg, as_json=args.json, wait_card_seconds=args.wait_card)


def register(sub: argparse._SubParsersAction) -> None:
    hw = sub.add_parser("hardware", help="the devices of this PC (printer, card reader, ...)")
    hw_sub = hw.add_subparsers(dest="hardware_command", metavar="ACTION", required=True)
    check = hw_sub.add_parser(
        "check",
        help="print a test ticket, wait for a card, play the chime and a call; "
        "says in Dutch what is wrong",
    )
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.add_argument(
        "--config",
        type=Path,
        help="TOML file with a [hardware] table (default: $LOKET_HARDWARE_CONFIG or "
        "hardware.toml in the user config directory)",
    )
    check.add_argument(
        "--wait-card", type=float, default=10.0, metavar="SECONDS",
        help="how long to wait for a card on the reader (0: do not wait)",
    )  # fmt: skip
    check.set_defaults(func=_check)
