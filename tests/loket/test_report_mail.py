"""The monthly report by e-mail over the real SMTP server the tests start: sent once when
two staff PCs' timers race, again after a failure, and by hand."""

from __future__ import annotations

import csv
import io
import threading
import time
from datetime import date, datetime
from email.header import decode_header, make_header
from email.message import Message

import pytest

from loket.clock import Clock
from loket.db import Database
from loket.errors import Refused
from loket.events import Actor
from loket.mailer import SmtpSettings
from loket.reports.service import MailedReport
from loket.services import Loket
from loket.tickets import settings
from tests.loket.test_confirmations import _free_port, smtp_server  # noqa: F401 (fixture)

BRANCH = "dalfsen"
TO = ["teamleider@dalfsen.example", "raad@dalfsen.example"]


def _configure_mail(loket: Loket, to: list[str], language: str = "nl") -> None:
    with loket.db.write() as session:
        settings(session).report_mail = {"to": to, "language": language}


def _a_visit_in_november(loket: Loket) -> None:
    loket.clock.set(datetime(2026, 11, 24, 9, 0))
    number = loket.issue_ticket(BRANCH, "paspoort").number
    loket.clock.set(datetime(2026, 11, 24, 9, 2))
    loket.call_ticket(BRANCH, 1, number, "other")


def _wait_for(inbox, count: int) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 5
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def _subject(message: Message) -> str:
    return str(make_header(decode_header(str(message["Subject"]))))


def _attachments(message: Message) -> dict[str, bytes]:
    return {
        str(p.get_filename()): bytes(p.get_payload(decode=True))  # type: ignore[arg-type]
        for p in message.walk()
        if p.get_filename()
    }


def test_two_pcs_racing_send_the_monthly_report_once(loket: Loket, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    smtp = SmtpSettings(host="127.0.0.1", port=port, sender="loket@dalfsen.example", starttls=False)
    _a_visit_in_november(loket)
    _configure_mail(loket, TO)
    first_of_december = datetime(2026, 12, 1, 7, 0)
    pcs = [
        Loket(
            Database(loket.db.url),
            Clock(first_of_december, frozen=True),
            Actor.system(f"balie-pc-{i}"),
        )
        for i in (1, 2)
    ]
    start = threading.Barrier(len(pcs))
    results: list[MailedReport | None | Exception] = []

    def timer(pc: Loket) -> None:
        start.wait()
        try:
            results.append(pc.reports.mail_monthly_if_due(smtp))
        except Exception as exc:  # reported below, not swallowed
            results.append(exc)

    threads = [threading.Thread(target=timer, args=(pc,)) for pc in pcs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    sent = [r for r in results if isinstance(r, MailedReport)]
    assert len(results) == 2 and len(sent) == 1 and None in results, results
    assert (sent[0].start, sent[0].end, sent[0].recipients) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
        2,
    )
    _wait_for(inbox, 1)
    time.sleep(0.3)  # a second mail, if any, would have arrived by now
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert sorted(recipients) == sorted(TO)
    assert _subject(message) == (
        "Rapportage dienstverlening november 2026 – Gemeente Dalfsen (demo)"
    )
    body = (
        next(
            p
            for p in message.walk()
            if p.get_content_type() == "text/plain" and not p.get_filename()
        )
        .get_payload(decode=True)
        .decode()
    )
    assert "Binnen 5 minuten opgeroepen: 100,0% (doel 95,0%)" in body
    files = _attachments(message)
    assert files["rapportage-2026-11-01-2026-11-30.pdf"].startswith(b"%PDF")
    rows = list(
        csv.reader(
            io.StringIO(files["rapportage-2026-11-01-2026-11-30.csv"].decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert ["Samenvatting", "visitors", "Samenvatting", "Bezoekers (nummers)", "1", ""] in rows

    # An hour later both timers run again: nothing more goes out.
    assert all(pc.reports.mail_monthly_if_due(smtp) is None for pc in pcs)
    mailed = [e for e in loket.events_after(0) if e["kind"] == "report.mailed"]
    assert len(mailed) == 1 and "dalfsen.example" not in str(mailed[0])
    for pc in pcs:
        pc.db.dispose()


def test_a_failed_send_is_tried_again_by_the_next_timer(loket: Loket, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    _configure_mail(loket, TO[:1], "en")
    loket.clock.set(datetime(2027, 1, 1, 9, 0))
    down = SmtpSettings(
        host="127.0.0.1",
        port=_free_port(),
        sender="loket@dalfsen.example",
        starttls=False,
        timeout=2,
    )
    with pytest.raises(Refused, match="mailserver is niet bereikbaar"):
        loket.reports.mail_monthly_if_due(down)
    up = SmtpSettings(host="127.0.0.1", port=port, sender="loket@dalfsen.example", starttls=False)
    done = loket.reports.mail_monthly_if_due(up)
    assert done is not None and done.start == date(2026, 12, 1)
    _wait_for(inbox, 1)
    assert _subject(inbox.messages[0][1]) == (
        "Service report December 2026 – Gemeente Dalfsen (demo)"
    )


def test_nothing_is_sent_without_addresses(loket: Loket):
    loket.clock.set(datetime(2026, 12, 1, 9, 0))
    smtp = SmtpSettings(host="127.0.0.1", port=_free_port(), sender="a@b.nl", starttls=False)
    assert loket.reports.mail_monthly_if_due(smtp) is None


def test_mail_by_hand_to_a_given_address(loket: Loket, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    _a_visit_in_november(loket)
    smtp = SmtpSettings(host="127.0.0.1", port=port, sender="loket@dalfsen.example", starttls=False)
    with pytest.raises(Refused, match="geen e-mailadres voor rapportages"):
        loket.reports.mail_report(date(2026, 11, 23), date(2026, 11, 29), smtp)
    done = loket.reports.mail_report(
        date(2026, 11, 23), date(2026, 11, 29), smtp, to=["wethouder@dalfsen.example"]
    )
    assert done.recipients == 1
    _wait_for(inbox, 1)
    recipients, message = inbox.messages[0]
    assert recipients == ["wethouder@dalfsen.example"]
    assert _subject(message) == (
        "Rapportage dienstverlening 23-11-2026 – 29-11-2026 – Gemeente Dalfsen (demo)"
    )
