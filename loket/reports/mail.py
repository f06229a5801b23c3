"""The monthly report by e-mail, sent once whichever staff PC's timer runs first.

Every staff PC's hourly timer asks "is last month's report due?". The month's row in
``report_mailing`` is the claim: the PC whose INSERT creates it sends the mail; the
others' INSERT does nothing (ON CONFLICT DO NOTHING on the primary key; on PostgreSQL
the second insert waits for the first to commit, on SQLite BEGIN IMMEDIATE serialises
the two). A failed send deletes the claim so the next timer tries again; a claim left
by a PC that died while sending is taken over after ``STALE_CLAIM``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, cast

from sqlalchemy import CursorResult, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from loket.hours import MONTHS_EN, MONTHS_NL
from loket.models import ReportMailing
from loket.reports import texts
from loket.reports.figures import Report
from loket.reports.render import report_dict

STALE_CLAIM = timedelta(minutes=30)
MONTHS = {"nl": MONTHS_NL, "en": MONTHS_EN}


def previous_month(today: date) -> tuple[date, date]:
    """First and last day of the month before ``today``'s."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def claim(session: Session, month: date, now: datetime, workstation: str, recipients: int) -> bool:
    """True when this PC may send ``month``'s report (it now holds the claim)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt: Any = insert(ReportMailing).values(
        month=month, claimed_at=now, workstation=workstation[:60], recipients=recipients
    )
    won = session.execute(
        stmt.on_conflict_do_nothing(index_elements=["month"]).returning(ReportMailing.month)
    ).first()
    if won is not None:
        return True
    taken = session.execute(
        update(ReportMailing)
        .where(
            ReportMailing.month == month,
            ReportMailing.sent_at.is_(None),
            ReportMailing.claimed_at < now - STALE_CLAIM,
        )
        .values(claimed_at=now, workstation=workstation[:60])
        .execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], taken).rowcount) == 1


def mark_sent(session: Session, month: date, now: datetime) -> None:
    session.execute(
        update(ReportMailing)
        .where(ReportMailing.month == month)
        .values(sent_at=now)
        .execution_options(synchronize_session=False)
    )


def release(session: Session, month: date, workstation: str) -> None:
    session.execute(
        delete(ReportMailing)
        .where(
            ReportMailing.month == month,
            ReportMailing.sent_at.is_(None),
            ReportMailing.workstation == workstation[:60],
        )
        .execution_options(synchronize_session=False)
    )


def subject(report: Report, language: str) -> str:
    start = report.request.start
    name = texts.text(language, "title")
    if (
        start.day == 1
        and report.request.end == previous_month(start.replace(day=28) + timedelta(days=4))[1]
    ):
        return f"{name} {MONTHS[language][start.month - 1]} {start.year} – {report.municipality}"
    return f"{name} {start:%d-%m-%Y} – {report.request.end:%d-%m-%Y} – {report.municipality}"


def body(report: Report, language: str) -> str:
    data = report_dict(report, language)
    s, sat = data["current"]["summary"], data["current"]["satisfaction"]
    share = s["share_within_norm"]
    norm = data["targets"]["norm_minutes"]

    def pct(x: float | None) -> str:
        return (
            "–" if x is None else f"{x * 100:.1f}%".replace(".", "," if language == "nl" else ".")
        )

    def num(x: float | None) -> str:
        return "–" if x is None else f"{x:g}".replace(".", "," if language == "nl" else ".")

    if language == "en":
        return (
            f"Dear colleague,\n\nAttached is the service report of {report.municipality} "
            f"for {data['from']} to {data['to']} (PDF to read, CSV for Excel).\n\n"
            f"- Called within {norm} minutes: {pct(share)} (target "
            f"{pct(data['targets']['target_share'])})\n"
            f"- Visitors: {s['visitors']}, served: {s['served']}, left without help: "
            f"{s['walked_out']}\n"
            f"- Mean score: {num(sat['mean'])} from {sat['ratings']} ratings (target "
            f"{num(data['targets']['satisfaction'])})\n\n"
            "This mail was sent automatically by Loket.\n"
        )
    return (
        f"Beste collega,\n\nHierbij de rapportage dienstverlening van {report.municipality} "
        f"over {data['from']} tot en met {data['to']} (PDF om te lezen, CSV voor Excel).\n\n"
        f"- Binnen {norm} minuten opgeroepen: {pct(share)} (doel "
        f"{pct(data['targets']['target_share'])})\n"
        f"- Bezoekers: {s['visitors']}, geholpen: {s['served']}, weggegaan zonder hulp: "
        f"{s['walked_out']}\n"
        f"- Gemiddeld cijfer: {num(sat['mean'])} uit {sat['ratings']} cijfers (doel "
        f"{num(data['targets']['satisfaction'])})\n\n"
        "Deze e-mail is automatisch verstuurd door Loket.\n"
    )


def build_message(
    report: Report, to: list[str], sender: str, pdf: bytes, csv: bytes, language: str
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject(report, language)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Message-ID"] = make_msgid(domain="loket.local")
    message.set_content(body(report, language))
    stem = f"rapportage-{report.request.start:%Y-%m-%d}-{report.request.end:%Y-%m-%d}"
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"{stem}.pdf")
    message.add_attachment(csv, maintype="text", subtype="csv", filename=f"{stem}.csv")
    return message
