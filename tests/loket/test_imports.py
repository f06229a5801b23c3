"""Importing appointments from CSV and iCalendar, with a plain-Dutch report per row."""

from __future__ import annotations

from loket.services import Loket

CSV = """vestiging;dienst;datum;tijd;naam;email;telefoon;opmerking
dalfsen;paspoort;25-11-2026;09:00;J. de Vries;jdv@example.nl;;
Gemeentehuis Dalfsen;Rijbewijs aanvragen;2026-11-25;9.15;M. Jansen;;0612345678;eerste rijbewijs
dalfsen;zwemles;25-11-2026;09:30;A. Bakker;;;
dalfsen;paspoort;31-11-2026;09:30;S. Visser;;;
dalfsen;paspoort;25-11-2026;19:00;P. Smit;;;
dalfsen;paspoort;25-11-2026;10:00;;;;
lemelerveld;ophalen;25-11-2026;16:00;L. Meijer;;;
"""


def test_csv_import_books_good_rows_and_explains_each_refusal(loket: Loket):
    report = loket.import_appointments(CSV.encode("utf-8-sig"), "csv")
    assert [b.row for b in report.booked] == [2, 3]
    reasons = {r.row: r.reason for r in report.refused}
    assert "zwemles" in reasons[4] and "ken ik niet" in reasons[4]
    assert "31-11-2026" in reasons[5]
    assert "gesloten" in reasons[6]
    assert "geen naam" in reasons[7]
    assert "Servicepunt Lemelerveld" in reasons[8]
    assert report.text().startswith("2 afspraken ingelezen, 5 geweigerd.")
    again = loket.import_appointments(CSV, "csv")
    assert not again.booked
    assert "staat er al in" in {r.row: r.reason for r in again.refused}[2]
    booked = loket.appointment_details(report.booked[1].reference)
    assert booked.channel == "import" and booked.notes == "eerste rijbewijs"


def test_csv_without_required_columns_says_which(loket: Loket):
    report = loket.import_appointments("naam,email\nX,y@z.nl\n", "csv")
    assert report.refused[0].reason.startswith("De kopregel mist de kolom(men): dienst, datum")


ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Ander systeem//NL
BEGIN:VEVENT
UID:1@other
DTSTART:20261125T080000Z
DTEND:20261125T081500Z
SUMMARY:Afspraak: Paspoort aanvragen
LOCATION:Gemeentehuis Dalfsen
ATTENDEE;CN=R. Mulder:mailto:rm@example.nl
END:VEVENT
BEGIN:VEVENT
UID:2@other
DTSTART;TZID=Europe/Amsterdam:20261125T091500
SUMMARY:Verhuizing doorgeven
ATTENDEE;CN=E. de Boer:mailto:edb@example.nl
END:VEVENT
BEGIN:VEVENT
UID:3@other
DTSTART;VALUE=DATE:20261125
SUMMARY:Paspoort aanvragen
END:VEVENT
END:VCALENDAR
"""


def test_ics_import_converts_utc_and_uses_the_default_branch(loket: Loket):
    report = loket.import_appointments(ICS, "ics", default_branch="dalfsen")
    assert len(report.booked) == 2
    first = loket.appointment_details(report.booked[0].reference)
    assert first.start.hour == 9 and first.name == "R. Mulder"  # 08:00 UTC = 09:00 local
    assert first.email == "rm@example.nl"
    assert report.refused[0].row == 3 and "begintijd" in report.refused[0].reason
