"""``loket privacy``: the daily purge of personal data, and a resident's right of access."""

from __future__ import annotations

import argparse

from loket.cli.common import add_json, emit, services
from loket.privacy import export_text


def _purge(args: argparse.Namespace) -> int:
    loket = services(args)
    report = loket.purge_if_due() if args.if_due else loket.purge_personal_data()
    if report is None:
        emit(
            args,
            {"purged": False, "message": "Vandaag is er al opgeschoond."},
            "Vandaag is er al opgeschoond.",
        )
        return 0
    emit(args, {"purged": True, **report.to_dict()}, report.text())
    return 0


def _export(args: argparse.Namespace) -> int:
    data = services(args).privacy_export(args.reference)
    emit(args, data, export_text(data))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    privacy = sub.add_parser("privacy", help="remove old personal data; show what is stored")
    psub = privacy.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)

    purge = psub.add_parser(
        "purge",
        help="remove names, contact data and notes of visits older than "
        "purge_after_days (for a daily systemd timer or cron job)",
    )
    purge.add_argument("--if-due", action="store_true", help="do nothing when it already ran today")
    add_json(purge)
    purge.set_defaults(func=_purge)

    export = psub.add_parser("export", help="everything stored about one appointment")
    export.add_argument("--reference", required=True)
    add_json(export)
    export.set_defaults(func=_export)
