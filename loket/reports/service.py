"""``ReportService``: reports for the manager window, the command line and the monthly mail.

Each method is one transaction (reads in one read transaction; the monthly mail claims
in one write transaction, sends outside it, and records the result in another).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import events, staff, tickets
from loket.clock import Clock
from loket.db import Database
from loket.errors import Refused
from loket.events import Actor
from loket.models import Branch, Service
from loket.reports import mail, texts
from loket.reports.figures import Report, ReportRequest, TargetOverride, Targets, build_report
from loket.reports.render import report_dict

log = logging.getLogger(__name__)
FORMATS = ("pdf", "csv", "json")
MAILED_EVENT = "report.mailed"


@dataclass(frozen=True)
class MailedReport:
    start: date
    end: date
    recipients: int
    workstation: str


def _override(row: Branch | Service) -> TargetOverride | None:
    if (
        row.wait_norm_minutes is None
        and row.target_share is None
        and (row.satisfaction_target is None)
    ):
        return None
    return TargetOverride(row.wait_norm_minutes, row.target_share, row.satisfaction_target)


def load_targets(session: Session) -> Targets:
    """The municipality's targets with the overrides per service point and service."""
    muni = tickets.settings(session)
    branches = {b.code: o for b in session.scalars(select(Branch)) if (o := _override(b))}
    services = {s.code: o for s in session.scalars(select(Service)) if (o := _override(s))}
    return Targets(
        norm_minutes=muni.wait_norm_minutes,
        target_share=muni.target_share,
        satisfaction=muni.satisfaction_target,
        branches=branches,
        services=services,
    )


def render(report: Report, fmt: str, language: str = "nl") -> bytes:
    """The report as a file: ``pdf``, ``csv`` (Dutch Excel) or ``json``."""
    import json

    from loket.reports.pdf import report_pdf
    from loket.reports.render import report_csv, report_dict

    texts.check_language(language)
    if fmt == "pdf":
        return report_pdf(report, language)
    if fmt == "csv":
        return report_csv(report, language)
    if fmt == "json":
        return json.dumps(report_dict(report, language), ensure_ascii=False, indent=2).encode()
    raise Refused(f"Formaat '{fmt}' kan niet. Kies pdf, csv of json.", code="report_format")


class ReportService:
    def __init__(self, db: Database, clock: Clock, actor: Actor) -> None:
        self.db = db
        self.clock = clock
        self.actor = actor

    def targets(self) -> Targets:
        with self.db.read() as session:
            return load_targets(session)

    def report(
        self, start: date, end: date, branch: str | None = None, service: str | None = None
    ) -> Report:
        """The figures over ``start``..``end`` (inclusive) and a year earlier."""
        staff.require(self.actor, "report")
        request = ReportRequest(start, end, branch or None, service or None)
        with self.db.read() as session:
            return build_report(session, request, load_targets(session), self.clock.now())

    def render(self, report: Report, fmt: str, language: str = "nl") -> bytes:
        return render(report, fmt, language)

    @staticmethod
    def as_dict(report: Report, language: str = "nl") -> dict[str, object]:
        """The figures as the JSON report has them, for a screen to show."""
        return report_dict(report, language)

    @staticmethod
    def breakdowns(language: str = "nl") -> tuple[texts.Breakdown, ...]:
        """The ways a screen breaks the figures down, with their titles (as the PDF's)."""
        return texts.breakdowns(texts.check_language(language))

    @staticmethod
    def previous_month(today: date) -> tuple[date, date]:
        """The period the monthly report covers, seen from ``today``."""
        return mail.previous_month(today)

    def mail_settings(self) -> tuple[list[str], str]:
        """Who gets the monthly report, and in which language."""
        with self.db.read() as session:
            data = tickets.settings(session).report_mail or {}
        to = [str(a) for a in data.get("to", []) if str(a).strip()]
        return to, str(data.get("language", "nl"))

    def mail_report(
        self,
        start: date,
        end: date,
        smtp: object,
        to: list[str] | None = None,
        language: str | None = None,
        branch: str | None = None,
        service: str | None = None,
    ) -> MailedReport:
        """Mail a report (PDF and CSV) now, by hand (``loket report --mail``)."""
        from loket import mailer

        configured, configured_language = self.mail_settings()
        recipients = to or configured
        language = texts.check_language(language or configured_language)
        if not recipients:
            raise Refused(
                "Er staat geen e-mailadres voor rapportages in de instellingen "
                "([reports] mail_to). Geef een adres op met --to.",
                code="report_no_address",
            )
        if not isinstance(smtp, mailer.SmtpSettings):
            raise Refused(
                "Er is geen mailserver ingesteld ([smtp] in het gemeentebestand).",
                code="report_no_smtp",
            )
        report = self.report(start, end, branch, service)
        message = mail.build_message(
            report,
            recipients,
            smtp.sender,
            render(report, "pdf", language),
            render(report, "csv", language),
            language,
        )
        mailer.send(smtp, message)
        self._record(start, end, len(recipients), "hand")
        return MailedReport(start, end, len(recipients), self.actor.workstation)

    def _record(self, start: date, end: date, recipients: int, how: str) -> None:
        with self.db.write() as session:
            # The fact and the count; never the addresses.
            events.append(
                session,
                at=self.clock.now(),
                kind=MAILED_EVENT,
                actor=self.actor,
                data={
                    "from": start.isoformat(),
                    "to": end.isoformat(),
                    "recipients": recipients,
                    "by": how,
                },
            )

    def mail_monthly_if_due(self, smtp: object | None = None) -> MailedReport | None:
        """Last month's report to the configured list, once for all PCs together.

        None when nothing is to be done: no addresses or mail server configured, or
        another PC has sent it (or is sending it now)."""
        from loket import mailer

        staff.require(self.actor, "report")
        to, language = self.mail_settings()
        if smtp is None:
            with self.db.read() as session:
                data = tickets.settings(session).smtp
            smtp = mailer.SmtpSettings(**data) if data else None
        if not to or not isinstance(smtp, mailer.SmtpSettings):
            return None
        now = self.clock.now()
        start, end = mail.previous_month(now.date())
        workstation = self.actor.workstation
        with self.db.write() as session:
            if not mail.claim(session, start, now, workstation, len(to)):
                return None
        try:
            report = self.report(start, end)
            message = mail.build_message(
                report,
                to,
                smtp.sender,
                render(report, "pdf", language),
                render(report, "csv", language),
                language,
            )
            mailer.send(smtp, message)
        except Exception:
            with self.db.write() as session:
                mail.release(session, start, workstation)
            raise
        with self.db.write() as session:
            mail.mark_sent(session, start, self.clock.now())
        self._record(start, end, len(to), "monthly")
        log.info("monthly report for %s sent to %d addresses", start.isoformat(), len(to))
        return MailedReport(start, end, len(to), workstation)
