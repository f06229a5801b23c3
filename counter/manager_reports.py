"""The manager window's "Rapportages" tab: the report's figures and charts for any period.

The same figures as ``loket report`` (one ``ReportService``): the share called within
the norm against the target, waits, visitors per service point, service, weekday, hour
and week, satisfaction against its target, booking channels and paper use, with the
same period a year earlier beside them. Saves the PDF (to read, to send on) and the
CSV (for Excel), or mails them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QSizePolicy,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter.fitted_table import FittedTable
from counter.responsive import Responsive
from counter.style import button, label
from loket.errors import DomainError
from loket.services import Loket, ReportService
from loket.views import Report

PRESETS = ("Vorige maand", "Deze maand", "Vorige week", "Dit jaar", "Vorig jaar", "Eigen periode")
COLUMNS = [
    "",
    "Bezoekers",
    "Geholpen",
    "Weggegaan",
    "Op tijd",
    "Jaar eerder",
    "P50 min",
    "P90 min",
    "Cijfers",
    "Gem. cijfer",
]
MISS = QColor("#b00020")
BAR = QColor("#2a9d8f")
BAR_MISS = QColor("#e76f51")


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f}%".replace(".", ",")


def _num(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)


def period_for(preset: str, today: date) -> tuple[date, date]:
    """The period a preset stands for, seen from ``today``."""
    if preset == "Deze maand":
        return today.replace(day=1), today
    if preset == "Vorige week":
        monday = today - timedelta(days=today.weekday() + 7)
        return monday, monday + timedelta(days=6)
    if preset == "Dit jaar":
        return today.replace(month=1, day=1), today
    if preset == "Vorig jaar":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return ReportService.previous_month(today)


class ReportTile(QFrame):
    """One figure, its caption and a line of context (target, a year earlier)."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.caption = label(caption, "tileCaption")
        self.value = label("–", "tileValue", wrap=False)
        self.detail = label("", "muted")
        # Room for two lines of context, so a wrapped line is never cut off.
        self.detail.setMinimumHeight(2 * self.detail.fontMetrics().lineSpacing() + 8)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 8, 14, 8)
        box.setSpacing(2)
        for w in (self.caption, self.value, self.detail):
            box.addWidget(w)

    def show_value(self, text: str, detail: str = "", bad: bool = False) -> None:
        self.value.setText(text)
        self.detail.setText(detail)
        name = "tileValueBad" if bad else "tileValue"
        if self.value.objectName() != name:
            self.value.setObjectName(name)
            self.value.setStyle(self.value.style())


class BarChart(QWidget):
    """Bars with an optional dashed target line; bars under the target in orange."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.labels: list[str] = []
        self.values: list[float] = []
        self.target: float | None = None
        self.maximum: float | None = None
        self.suffix = ""
        # Short enough that the reports fit a 1366x768 screen under the alarm banners.
        self.setMinimumHeight(140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(
        self,
        labels: list[str],
        values: list[float],
        *,
        target: float | None = None,
        maximum: float | None = None,
        suffix: str = "",
    ) -> None:
        self.labels, self.values = labels, values
        self.target, self.maximum, self.suffix = target, maximum, suffix
        self.setAccessibleDescription(
            f"{self.title}: "
            + ", ".join(f"{lab} {_num(v)}{suffix}" for lab, v in zip(labels, values, strict=True))
        )
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        font = QFont(self.font())
        font.setPointSize(10)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor("#1d3557"))
        p.drawText(QRectF(10, 4, self.width() - 20, 22), Qt.AlignmentFlag.AlignLeft, self.title)
        font.setBold(False)
        font.setPointSize(9)
        p.setFont(font)
        left, top, right, bottom = 44.0, 32.0, 10.0, 26.0
        w, h = self.width() - left - right, self.height() - top - bottom
        if not self.values or w <= 0 or h <= 0:
            p.setPen(QColor("#5b6570"))
            p.drawText(QRectF(left, top, w, h), Qt.AlignmentFlag.AlignCenter, "Geen gegevens")
            p.end()
            return
        top_value = self.maximum or max([*self.values, self.target or 0.0, 1.0]) * 1.15
        p.setPen(QPen(QColor("#d0d7de"), 1))
        for i in range(5):
            y = top + h - h * i / 4
            p.drawLine(int(left), int(y), int(left + w), int(y))
            p.setPen(QColor("#5b6570"))
            p.drawText(
                QRectF(0, y - 8, left - 6, 16),
                Qt.AlignmentFlag.AlignRight,
                f"{top_value * i / 4:.0f}{self.suffix}",
            )
            p.setPen(QPen(QColor("#d0d7de"), 1))
        n = len(self.values)
        slot = w / n
        every = max(1, int(n / max(1, w / 34)))
        for i, (text, value) in enumerate(zip(self.labels, self.values, strict=True)):
            bar_h = h * min(value, top_value) / top_value
            x = left + i * slot + slot * 0.15
            below = self.target is not None and value < self.target
            p.fillRect(QRectF(x, top + h - bar_h, slot * 0.7, bar_h), BAR_MISS if below else BAR)
            if i % every == 0:
                p.setPen(QColor("#1b1f24"))
                p.drawText(
                    QRectF(left + i * slot - 10, top + h + 4, slot + 20, 18),
                    Qt.AlignmentFlag.AlignHCenter,
                    text,
                )
        if self.target is not None:
            y = top + h - h * self.target / top_value
            pen = QPen(MISS, 1.5, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(int(left), int(y), int(left + w), int(y))
            p.drawText(
                QRectF(left, y - 18, w, 16),
                Qt.AlignmentFlag.AlignRight,
                f"doel {self.target:g}{self.suffix}",
            )
        p.end()


class Middle(Responsive):
    """The chart and table beside the satisfaction and channels (one above the other)
    when the table fits there whole; else (portrait) above them (side by side)."""

    def row_width(self) -> int:
        # As the parts would be in a row (the satisfaction above the channels), not as
        # they are now: else a window shown narrow would keep the narrow layout.
        inner = self.parts[1].layout()
        items = [inner.itemAt(i) for i in range(inner.count())] if inner else []
        widgets = [w for item in items if item is not None and (w := item.widget())]
        side = max((self._part_min(w).width() for w in widgets), default=0)
        m = self.box.contentsMargins()
        table = self._part_min(self.parts[0]).width()
        return table + self.box.spacing() + side + m.left() + m.right()

    def arrange(self, width: int) -> None:
        super().arrange(width)
        inner = self.parts[1].layout()
        if isinstance(inner, QBoxLayout):
            down = QBoxLayout.Direction.TopToBottom
            inner.setDirection(down if self.in_row else QBoxLayout.Direction.LeftToRight)


class ReportsTab(QWidget):
    """The "Rapportages" tab. ``services()`` gives the services acting for the logged-in
    team leader (None while the window is locked)."""

    def __init__(
        self,
        loket: Loket,
        services: Callable[[], Loket | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.loket = loket
        self.services = services
        self.report: Report | None = None
        self.data: dict[str, Any] | None = None
        self._build()

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.preset = QComboBox()
        self.preset.addItems(list(PRESETS))
        self.preset.setToolTip("Kies een periode")
        self.start = QDateEdit()
        self.end = QDateEdit()
        for d in (self.start, self.end):
            d.setCalendarPopup(True)
            d.setDisplayFormat("dd-MM-yyyy")
        self.branch_box = QComboBox()
        self.branch_box.addItem("Alle vestigingen", "")
        self.service_box = QComboBox()
        self.service_box.addItem("Alle diensten", "")
        seen: set[str] = set()
        for b in self.loket.branches():
            self.branch_box.addItem(b.name, b.code)
            for s in self.loket.services_at(b.code):
                if s.code not in seen:
                    seen.add(s.code)
                    self.service_box.addItem(s.name_nl, s.code)
        self.language = QComboBox()
        self.language.addItem("Nederlands", "nl")
        self.language.addItem("English", "en")
        self.language.setToolTip("Taal van de PDF, de CSV en de e-mail")
        self.show_button = button("Toon", "Ctrl+R", self.refresh, self)
        self.preset.currentTextChanged.connect(self._preset_chosen)
        self.start.dateChanged.connect(self._dates_edited)
        self.end.dateChanged.connect(self._dates_edited)

        period = QHBoxLayout()
        period.addWidget(label("Periode", None, wrap=False))
        period.addWidget(self.preset)
        period.addWidget(self.start)
        period.addWidget(label("t/m", None, wrap=False))
        period.addWidget(self.end)
        period.addStretch(1)
        which = QHBoxLayout()
        which.addWidget(self.branch_box)
        which.addWidget(self.service_box)
        which.addStretch(1)
        which.addWidget(self.show_button)
        # One line on a wide screen, two on a narrow one.
        bar = Responsive([period, which], stretches=[0, 1])

        self.tile_share = ReportTile("Op tijd opgeroepen")
        self.tile_visitors = ReportTile("Bezoekers")
        self.tile_wait = ReportTile("Wachttijd P90")
        self.tile_score = ReportTile("Gemiddeld cijfer")
        self.tile_paper = ReportTile("Nummer geprint")
        tiles = QHBoxLayout()
        for t in (
            self.tile_share,
            self.tile_visitors,
            self.tile_wait,
            self.tile_score,
            self.tile_paper,
        ):
            tiles.addWidget(t, 1)

        self.share_chart = BarChart("Deel op tijd opgeroepen per week (%)")
        self.breakdown = QComboBox()
        for way in ReportService.breakdowns("nl"):  # titled as in the PDF
            self.breakdown.addItem(way.title, way.key)
        self.breakdown.currentIndexChanged.connect(lambda _i: self._show_table())
        # Ten columns side by side without scrolling from 1280 pixels wide: the names
        # wrap and two-word headers take two lines when the room is short.
        self.table = FittedTable(COLUMNS)
        self.table.setStyleSheet(
            "QTableWidget, QHeaderView::section { font-size: 10.5pt; padding: 2px 4px; }"
        )
        left = QVBoxLayout()
        left.addWidget(self.share_chart, 2)
        pick = QHBoxLayout()
        pick.addWidget(label("Uitsplitsen", "welcome", wrap=False))
        pick.addWidget(self.breakdown)
        pick.addStretch(1)
        left.addLayout(pick)
        left.addWidget(self.table, 3)

        self.satisfaction = QFrame()
        self.satisfaction.setObjectName("card")
        grid = QGridLayout(self.satisfaction)
        grid.setContentsMargins(12, 8, 12, 8)
        grid.setVerticalSpacing(2)
        # The title beside the column heads: one line less, so the reports fit 1366x768.
        grid.addWidget(label("Tevredenheid", "welcome", wrap=False), 0, 0)
        self.sat_labels: dict[str, Any] = {}
        rows = [
            ("ratings", "Aantal cijfers"),
            ("mean", "Gemiddeld"),
            ("median", "Mediaan"),
            ("modes", "Meest gegeven"),
            ("friendliness", "Vriendelijkheid (1–5)"),
            ("speed", "Snelheid (1–5)"),
            ("expertise", "Deskundigheid (1–5)"),
        ]
        bottom = Qt.AlignmentFlag.AlignBottom
        grid.addWidget(label("Deze periode", "muted", wrap=False), 0, 1, bottom)
        grid.addWidget(label("Jaar eerder", "muted", wrap=False), 0, 2, bottom)
        for i, (key, text) in enumerate(rows, start=1):
            now, then = label("–", None, wrap=False), label("–", "muted", wrap=False)
            grid.addWidget(label(text, None, wrap=False), i, 0)
            grid.addWidget(now, i, 1)
            grid.addWidget(then, i, 2)
            self.sat_labels[key] = (now, then)
        self.channels = FittedTable(["Afspraken via", "Aantal", "Jaar eerder"])
        right = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        right.addWidget(self.satisfaction, 0)
        right.addWidget(self.channels, 1)
        self.middle = Middle([left, right], stretches=[1, 0])

        self.pdf_button = button("PDF opslaan", "Ctrl+P", lambda: self._save_as("pdf"), self)
        self.csv_button = button(
            "CSV opslaan (Excel)", "Ctrl+E", lambda: self._save_as("csv"), self, "secondary"
        )
        self.mail_button = button("Mailen", None, self.mail, self, "secondary")
        self.message = label("", "message")
        actions = QHBoxLayout()
        actions.addWidget(self.message, 1)
        actions.addWidget(label("Taal", None, wrap=False))
        actions.addWidget(self.language)
        actions.addWidget(self.csv_button)
        actions.addWidget(self.pdf_button)
        actions.addWidget(self.mail_button)

        page = QVBoxLayout(self)
        page.setContentsMargins(16, 10, 16, 8)
        page.setSpacing(8)
        page.addWidget(bar)
        page.addLayout(tiles)
        page.addWidget(self.middle, 1)
        page.addLayout(actions)
        self._preset_chosen(self.preset.currentText())
        self._enable(False)

    def _enable(self, on: bool) -> None:
        for b in (self.pdf_button, self.csv_button, self.mail_button):
            b.setEnabled(on)

    def _preset_chosen(self, preset: str) -> None:
        if preset == "Eigen periode":
            return
        start, end = period_for(preset, self.loket.now().date())
        for widget, day in ((self.start, start), (self.end, end)):
            widget.blockSignals(True)
            widget.setDate(QDate(day.year, day.month, day.day))
            widget.blockSignals(False)

    def _dates_edited(self, _d: QDate) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentText("Eigen periode")
        self.preset.blockSignals(False)

    # -- figures --------------------------------------------------------------------------

    def set_period(self, start: date, end: date) -> None:
        self.start.setDate(QDate(start.year, start.month, start.day))
        self.end.setDate(QDate(end.year, end.month, end.day))

    def refresh(self) -> None:
        services = self.services()
        if services is None:
            return
        start: date = self.start.date().toPython()  # type: ignore[assignment]
        end: date = self.end.date().toPython()  # type: ignore[assignment]
        try:
            self.report = services.reports.report(
                start,
                end,
                str(self.branch_box.currentData()) or None,
                str(self.service_box.currentData()) or None,
            )
        except DomainError as exc:
            self.message.setText(exc.message)
            return
        self.data = ReportService.as_dict(self.report, "nl")
        self._show()
        self._enable(True)
        self.message.setText(
            f"Cijfers van {start:%d-%m-%Y} tot en met {end:%d-%m-%Y}"
            + ("" if self.data["previous"] else "; van een jaar eerder zijn geen gegevens")
            + "."
        )

    def _show(self) -> None:
        assert self.data is not None
        d, prev = self.data["current"], self.data["previous"]
        targets = self.data["targets"]
        s = d["summary"]
        ps = prev["summary"] if prev else None
        then = f"; jaar eerder {_pct(ps['share_within_norm'])}" if ps else ""
        self.tile_share.show_value(
            _pct(s["share_within_norm"]),
            f"binnen {targets['norm_minutes']} min; doel {_pct(targets['target_share'])}{then}",
            bad=s["target_met"] is False,
        )
        self.tile_visitors.show_value(
            str(s["visitors"]),
            f"{s['served']} geholpen, {s['walked_out']} weggegaan"
            + (f"; jaar eerder {ps['visitors']}" if ps else ""),
        )
        self.tile_wait.show_value(
            f"{_num(s['p90_minutes'])} min",
            f"P50 {_num(s['p50_minutes'])} min, P95 {_num(s['p95_minutes'])} min",
            bad=s["p90_minutes"] is not None and s["p90_minutes"] > targets["norm_minutes"],
        )
        sat = d["satisfaction"]
        self.tile_score.show_value(
            _num(sat["mean"]),
            f"{sat['ratings']} cijfers; doel {_num(targets['satisfaction'])}",
            bad=sat["target_met"] is False,
        )
        paper = d["paper"]
        self.tile_paper.show_value(
            str(paper["printed"]), f"{paper['screen_only']} alleen op het scherm"
        )
        weeks = d["by_week"]
        self.share_chart.set_data(
            [r["key"].partition("-W")[2] for r in weeks],
            [round((r["share_within_norm"] or 0) * 100, 1) for r in weeks],
            target=round(targets["target_share"] * 100, 1),
            maximum=100,
            suffix="%",
        )
        psat = prev["satisfaction"] if prev else None
        subs = {x["key"]: x["mean"] for x in sat["sub_scores"]}
        psubs = {x["key"]: x["mean"] for x in psat["sub_scores"]} if psat else {}
        for key, (now, old) in self.sat_labels.items():
            if key == "modes":
                now.setText(" en ".join(str(m) for m in sat["modes"]) or "–")
                old.setText(" en ".join(str(m) for m in psat["modes"]) or "–" if psat else "–")
            elif key in subs:
                now.setText(_num(subs[key]))
                old.setText(_num(psubs.get(key)))
            else:
                now.setText(_num(sat[key]))
                old.setText(_num(psat[key]) if psat else "–")
        mean_label = self.sat_labels["mean"][0]
        mean_label.setStyleSheet("color: #b00020;" if sat["target_met"] is False else "")
        before = {c["key"]: c["appointments"] for c in (prev or {}).get("channels", [])}
        self.channels.setRowCount(len(d["channels"]))
        for row, c in enumerate(d["channels"]):
            cells = [
                c["label"],
                str(c["appointments"]),
                _num(before.get(c["key"])) if prev else "–",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.channels.setItem(row, col, item)
        self.channels.fit()
        self._show_table()

    def _show_table(self) -> None:
        if self.data is None:
            return
        section = str(self.breakdown.currentData())
        rows = self.data["current"][section]
        prev = self.data["previous"] or {}

        def match(key: str) -> str:
            return key.partition("-W")[2] if section == "by_week" else key

        before = {match(r["key"]): r for r in prev.get(section, [])}
        self.table.headers[0] = self.breakdown.currentText()
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            old = before.get(match(r["key"]))
            cells = [
                r["label"],
                str(r["visitors"]),
                str(r["served"]),
                str(r["walked_out"]),
                _pct(r["share_within_norm"]),
                _pct(old["share_within_norm"]) if old else "–",
                _num(r["p50_minutes"]),
                _num(r["p90_minutes"]),
                str(r["ratings"]),
                _num(r["mean_score"]),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if col == 4 and r["target_met"] is False:
                    item.setForeground(MISS)
                self.table.setItem(i, col, item)
        self.table.fit()
        self.middle.arrange(self.middle.width())

    def rows_shown(self) -> list[list[str]]:
        """The table as text, as the team leader reads it (for tests and screen readers)."""
        return [
            [
                item.text() if (item := self.table.item(r, c)) is not None else ""
                for c in range(self.table.columnCount())
            ]
            for r in range(self.table.rowCount())
        ]

    # -- files and mail -------------------------------------------------------------------

    def _save_as(self, fmt: str) -> None:
        if self.report is None:
            return
        r = self.report.request
        suggested = f"rapportage-{r.start:%Y-%m-%d}-{r.end:%Y-%m-%d}.{fmt}"
        kinds = "PDF (*.pdf)" if fmt == "pdf" else "CSV voor Excel (*.csv)"
        path, _ = QFileDialog.getSaveFileName(self, "Rapportage opslaan", suggested, kinds)
        if path:
            self.save(fmt, Path(path))

    def save(self, fmt: str, path: Path) -> None:
        services = self.services()
        if self.report is None or services is None:
            return
        try:
            path.write_bytes(
                services.reports.render(self.report, fmt, str(self.language.currentData()))
            )
        except OSError as exc:
            self.message.setText(f"Opslaan lukt niet: {exc.strerror}. Kies een andere map.")
            return
        except DomainError as exc:
            self.message.setText(exc.message)
            return
        self.message.setText(f"Opgeslagen: {path.name}")

    def mail(self) -> None:
        services = self.services()
        if self.report is None or services is None:
            return
        r = self.report.request
        try:
            done = services.reports.mail_report(
                r.start,
                r.end,
                services.smtp_settings(),
                language=str(self.language.currentData()),
                branch=r.branch,
                service=r.service,
            )
        except DomainError as exc:
            self.message.setText(exc.message)
            return
        self.message.setText(f"Verstuurd naar {done.recipients} adres(sen).")
