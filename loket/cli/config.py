"""``loket config``: apply and show a municipality's configuration."""

from __future__ import annotations

import argparse
from pathlib import Path

from loket.cli.common import add_json, emit, services


def _apply(args: argparse.Namespace) -> int:
    report = services(args).apply_config(Path(args.file))
    emit(args, report.__dict__, f"Configuratie toegepast: {report.summary()}.")
    return 0


def _show(args: argparse.Namespace) -> int:
    data = services(args).show_config()
    lines = [str(data["municipality"]["name"])]
    for b in data["branches"]:
        lines.append(
            f"  vestiging {b['code']}: {b['name']} "
            f"(balies {', '.join(str(c['number']) for c in b['counters']) or '-'})"
        )
    for s in data["services"]:
        lines.append(
            f"  dienst {s['code']} [{s['prefix']}] {s['name_nl']}, "
            f"{s['duration_minutes']} min: {', '.join(s['branches'])}"
        )
    for st in data["staff"]:
        lines.append(f"  medewerker {st['code']}: {', '.join(st['roles'])}")
    emit(args, data, "\n".join(lines))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    cfg = sub.add_parser("config", help="the municipality's configuration (TOML)")
    csub = cfg.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    apply = csub.add_parser("apply", help="apply a configuration file (safe to repeat)")
    apply.add_argument("file")
    add_json(apply)
    apply.set_defaults(func=_apply)
    show = csub.add_parser("show", help="show branches, services, counters and staff codes")
    add_json(show)
    show.set_defaults(func=_show)
