"""Reception books an appointment in the visitor's language: the letter follows it."""

from __future__ import annotations

from datetime import datetime

from pypdf import PdfReader

from counter.calendar_view import CalendarView
from loket.services import Loket


def test_reception_books_in_turkish_and_the_letter_is_in_turkish(
    qtbot, sqlite_loket: Loket, tmp_path
):  # type: ignore[no-untyped-def]
    view = CalendarView(sqlite_loket, "dalfsen")
    qtbot.addWidget(view)
    names = [view.language.itemText(i) for i in range(view.language.count())]
    assert names[0] == "Nederlands" and "Türkçe" in names and "العربية" in names
    view._slot = datetime(2026, 11, 24, 10, 0)  # a free time picked in the grid
    view.name.setText("Ayşe Yılmaz")
    view.language.setCurrentIndex(view.language.findData("tr"))
    view.book()
    reference = view._reference
    assert reference is not None, view.message.text()
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(sqlite_loket.confirmation_pdf(reference))
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Randevunuz" in text and "Yanınızda ne getirmelisiniz?" in text
    assert view.language.currentData() == "nl"  # the next caller starts in Dutch
