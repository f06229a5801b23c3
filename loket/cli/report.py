"""``loket report``: the figures over any period as PDF, CSV or JSON, or by e-mail."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from loket.cli.common import services
from loket.errors import Refused


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"'{text}' is geen datum. Schrijf bijvoorbeeld 2026-11-01."
        ) from exc


def _run(args: argparse.Namespace) -> int:
    from loket.reports.mail import previous_month

    loket = services(args)
    reports = loket.reports
    if args.monthly_if_due:
        done = reports.mail_monthly_if_due()
        if done is None:
            print("Niets te versturen: al verstuurd, of geen adressen of mailserver ingesteld.")
        else:
            print(
                f"Maandrapportage {done.start:%m-%Y} verstuurd naar {done.recipients} adres(sen)."
            )
        return 0
    start, end = args.start, args.end
    if start is None or end is None:
        last_start, last_end = previous_month(loket.now().date())
        start, end = start or last_start, end or last_end
    if args.mail:
        done = reports.mail_report(
            start,
            end,
            loket.smtp_settings(),
            to=args.to or None,
            language=args.language,
            branch=args.branch,
            service=args.service,
        )
        print(
            f"Rapportage {start:%d-%m-%Y} – {end:%d-%m-%Y} verstuurd naar "
            f"{done.recipients} adres(sen)."
        )
        return 0
    report = reports.report(start, end, args.branch, args.service)
    data = reports.render(report, args.format, args.language or "nl")
    if args.out is None:
        if args.format == "pdf":
            raise Refused(
                "Een PDF gaat naar een bestand: geef --out rapport.pdf op.", code="report_out"
            )
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(data)
    except OSError as exc:
        raise Refused(f"Kan {args.out} niet schrijven: {exc.strerror}.", code="report_out") from exc
    print(args.out)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="report over a period: share within the norm, waits, satisfaction, channels "
        "(PDF, CSV for Dutch Excel, JSON), or mail it",
    )
    p.add_argument(
        "--from",
        dest="start",
        type=_day,
        metavar="DATE",
        help="first day, e.g. 2026-11-01 (default: first day of last month)",
    )
    p.add_argument(
        "--to",
        dest="end",
        type=_day,
        metavar="DATE",
        help="last day, inclusive (default: last day of last month)",
    )
    p.add_argument("--branch", help="only this service point (code)")
    p.add_argument("--service", help="only this service (code)")
    p.add_argument("--format", choices=("pdf", "csv", "json"), default="json")
    p.add_argument("--language", choices=("nl", "en"), default=None, help="nl (default) or en")
    p.add_argument("--out", type=Path, help="file to write (default: standard output)")
    p.add_argument(
        "--mail",
        action="store_true",
        help="mail the report (PDF and CSV) to [reports] mail_to or --mail-to",
    )
    p.add_argument(
        "--mail-to",
        dest="to",
        action="append",
        metavar="ADDRESS",
        help="address for --mail (repeat for more)",
    )
    p.add_argument(
        "--monthly-if-due",
        action="store_true",
        help="mail last month's report unless a PC already did (for a timer)",
    )
    p.set_defaults(func=_run)
