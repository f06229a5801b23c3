"""The manager window's "Rapportages" tab: the known week's figures as the team leader
sees them, saving the PDF and CSV, and a screenshot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from counter.manager import ManagerWindow
from counter.manager_reports import period_for
from kiosk.fit_check import settle
from loket.services import Loket
from tests.counter.test_workstation import shot
from tests.loket.reports_day import BRANCH, WEEK, drive_known_week


def test_the_reports_tab_shows_the_known_week(qtbot, sqlite_loket: Loket, tmp_path: Path):
    drive_known_week(sqlite_loket)
    window = ManagerWindow(sqlite_loket, BRANCH, sound=False)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.keyClicks(window.login.code, "eva")
    qtbot.keyClicks(window.login.pin, "5555")
    qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)
    tab = window.reports_tab
    window.tabs.setCurrentWidget(tab)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Rapportages"
    assert not tab.pdf_button.isEnabled()  # nothing to save before a report is shown

    tab.set_period(*WEEK)
    assert tab.preset.currentText() == "Eigen periode"
    qtbot.mouseClick(tab.show_button, Qt.MouseButton.LeftButton)

    assert tab.tile_share.value.text() == "37,5%"
    assert tab.tile_share.value.objectName() == "tileValueBad"  # under the 95% target
    assert "doel 95,0%; jaar eerder 100,0%" in tab.tile_share.detail.text()
    assert tab.tile_visitors.value.text() == "9"
    assert tab.tile_visitors.detail.text() == "5 geholpen, 3 weggegaan; jaar eerder 1"
    assert tab.tile_wait.value.text() == "8 min"
    assert tab.tile_score.value.text() == "7,75"
    assert tab.tile_score.value.objectName() == "tileValue"  # meets 7.5
    assert tab.tile_paper.detail.text() == "9 alleen op het scherm"
    assert tab.sat_labels["median"][0].text() == "8"
    assert tab.sat_labels["modes"][0].text() == "8"
    assert tab.sat_labels["friendliness"][0].text() == "4,67"

    tab.breakdown.setCurrentIndex(tab.breakdown.findData("by_service"))
    assert tab.rows_shown() == [
        ["ID-kaart aanvragen", "2", "1", "0", "0,0%", "–", "7", "8", "0", "–"],
        ["Paspoort of ID-kaart ophalen", "1", "0", "1", "–", "–", "–", "–", "0", "–"],
        ["Paspoort aanvragen", "2", "2", "0", "100,0%", "100,0%", "1", "3", "2", "8"],
        ["Bewijs van inschrijving (uittreksel)", "2", "2", "0", "50,0%", "–", "1", "6", "2", "7,5"],
        ["Verhuizing doorgeven", "2", "0", "2", "0,0%", "–", "–", "–", "0", "–"],
    ]
    # The breakdowns as offered, titled as in the PDF (loket/reports/texts.py).
    assert [tab.breakdown.itemText(i) for i in range(tab.breakdown.count())] == [
        "Per vestiging",
        "Per dienst",
        "Per soort bezoek",
        "Per dag van de week",
        "Per uur van de dag",
        "Per week",
    ]
    assert tab.data is not None
    for i in range(tab.breakdown.count()):  # each one names a part of the report's figures
        tab.breakdown.setCurrentIndex(i)
        header = tab.table.horizontalHeaderItem(0)
        # A two-word title may be shown on two lines when the room is short.
        assert header is not None
        assert header.text().replace("\n", " ") == tab.breakdown.itemText(i)
        assert len(tab.rows_shown()) == len(tab.data["current"][tab.breakdown.itemData(i)])
    tab.breakdown.setCurrentIndex(tab.breakdown.findData("groups"))
    header = tab.table.horizontalHeaderItem(0)
    assert header is not None and header.text().replace("\n", " ") == "Per soort bezoek"
    settle()  # the picture as the team leader sees it, laid out
    shot(window, "manager-rapportages-groepen")
    assert [r[:5] for r in tab.rows_shown()] == [
        ["Zonder afspraak", "7", "3", "3", "33,3%"],
        ["Met afspraak", "1", "1", "0", "100,0%"],
        ["Te laat voor afspraak, als inloop geholpen", "1", "1", "0", "0,0%"],
    ]
    channels = {
        tab.channels.item(r, 0).text(): tab.channels.item(r, 1).text()  # type: ignore[union-attr]
        for r in range(tab.channels.rowCount())
    }
    assert channels["Balie, vervolgafspraak"] == "1" and channels["Online"] == "1"

    tab.breakdown.setCurrentIndex(tab.breakdown.findData("by_hour"))
    settle()
    shot(window, "manager-rapportages")

    tab.save("csv", tmp_path / "week.csv")
    assert tab.message.text() == "Opgeslagen: week.csv"
    assert (tmp_path / "week.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    tab.language.setCurrentIndex(tab.language.findData("en"))
    tab.save("pdf", tmp_path / "week.pdf")
    assert (tmp_path / "week.pdf").read_bytes().startswith(b"%PDF")
    tab.mail()
    assert "geen e-mailadres voor rapportages" in tab.message.text()
    window.close()


def test_presets_are_whole_periods():
    today = date(2026, 12, 2)  # a Wednesday
    assert period_for("Vorige maand", today) == (date(2026, 11, 1), date(2026, 11, 30))
    assert period_for("Deze maand", today) == (date(2026, 12, 1), today)
    assert period_for("Vorige week", today) == (date(2026, 11, 23), date(2026, 11, 29))
    assert period_for("Vorig jaar", today) == (date(2025, 1, 1), date(2025, 12, 31))
