"""The report as an A4 PDF: real text (searchable, readable aloud), charts drawn with
reportlab's graphics module (vectors, not pictures) and an embedded TrueType font.

The font is DejaVu Sans (Debian package ``fonts-dejavu-core``, installer/deps); on
Windows Arial. Embedding it means the PDF looks the same on every PC and keeps letters
such as "ë" and "–" right.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from loket.reports import texts
from loket.reports.figures import Report
from loket.reports.render import SECTIONS, report_dict

log = logging.getLogger(__name__)

FONT = "LoketSans"
FONT_BOLD = "LoketSans-Bold"
_FONT_FILES = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    (
        os.path.join(os.environ.get("WINDIR", "C:\\Windows"), "Fonts", "DejaVuSans.ttf"),
        os.path.join(os.environ.get("WINDIR", "C:\\Windows"), "Fonts", "DejaVuSans-Bold.ttf"),
    ),
    (
        os.path.join(os.environ.get("WINDIR", "C:\\Windows"), "Fonts", "arial.ttf"),
        os.path.join(os.environ.get("WINDIR", "C:\\Windows"), "Fonts", "arialbd.ttf"),
    ),
)
BLUE = "#1d3557"
GREEN = "#2a9d8f"
RED = "#b00020"
GREY = "#8d99ae"
LIGHT = "#e7ecf1"


def register_fonts() -> tuple[str, str]:
    """Register the embedded font once; Helvetica (not embedded) when none is found."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT, FONT_BOLD
    for regular, bold in _FONT_FILES:
        if Path(regular).is_file() and Path(bold).is_file():
            pdfmetrics.registerFont(TTFont(FONT, regular))
            pdfmetrics.registerFont(TTFont(FONT_BOLD, bold))
            return FONT, FONT_BOLD
    log.warning("no TrueType font found for reports; using Helvetica (not embedded)")
    return "Helvetica", "Helvetica-Bold"


def _fmt(value: object, language: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return texts.text(language, "met" if value else "not_met")
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if language == "nl" else text
    return str(value)


def _pct(share: float | None, language: str) -> str:
    if share is None:
        return "–"
    text = f"{share * 100:.1f}"
    return (text.replace(".", ",") if language == "nl" else text) + "%"


def _date(iso: str, language: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}-{m}-{y}" if language == "nl" else iso


def _bar_chart(
    title: str,
    labels: list[str],
    values: list[float],
    font: str,
    *,
    target: float | None = None,
    max_value: float | None = None,
    percent: bool = False,
    width: float = 480,
    height: float = 150,
) -> Any:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.lib import colors

    drawing = Drawing(width, height + 24)
    drawing.initialFontName = font  # else the renderer starts in Helvetica (not embedded)
    drawing.add(
        String(0, height + 10, title, fontName=font, fontSize=10, fillColor=colors.HexColor(BLUE))
    )
    chart = VerticalBarChart()
    chart.x, chart.y = 36, 28
    chart.width, chart.height = width - 46, height - 36
    chart.data = [values or [0]]
    chart.bars[0].fillColor = colors.HexColor(GREEN)
    chart.bars[0].strokeColor = None
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7 if len(labels) > 14 else 8
    if len(labels) > 14:
        chart.categoryAxis.labels.angle = 90
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dy = -2
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    top = max([*values, target or 0, 1.0])
    chart.valueAxis.valueMax = max_value if max_value is not None else top * 1.15
    if percent:
        chart.valueAxis.labelTextFormat = lambda v: f"{v:.0f}%"
    else:
        chart.valueAxis.labelTextFormat = lambda v: f"{v:.0f}"
        if top <= 5:
            chart.valueAxis.valueStep = 1
    drawing.add(chart)
    if target is not None:
        span = chart.valueAxis.valueMax - chart.valueAxis.valueMin
        y = chart.y + chart.height * (target - chart.valueAxis.valueMin) / span
        drawing.add(
            Line(
                chart.x,
                y,
                chart.x + chart.width,
                y,
                strokeColor=colors.HexColor(RED),
                strokeWidth=1.2,
                strokeDashArray=[4, 2],
            )
        )
        drawing.add(
            String(
                chart.x + chart.width - 2,
                y + 3,
                f"{target:g}{'%' if percent else ''}",
                fontName=font,
                fontSize=7,
                textAnchor="end",
                fillColor=colors.HexColor(RED),
            )
        )
    return drawing


def report_pdf(report: Report, language: str = "nl") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    font, bold = register_fonts()
    data = report_dict(report, language)
    cur, prev = data["current"], data["previous"]
    w = lambda key, **v: texts.text(language, key, **v)  # noqa: E731
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13)
    small = ParagraphStyle(
        "small", parent=body, fontSize=8, leading=10.5, textColor=colors.HexColor("#5b6570")
    )
    h1 = ParagraphStyle(
        "h1",
        parent=body,
        fontName=bold,
        fontSize=18,
        leading=22,
        textColor=colors.HexColor(BLUE),
        spaceAfter=4,
    )
    h2 = ParagraphStyle(
        "h2",
        parent=body,
        fontName=bold,
        fontSize=12.5,
        leading=16,
        textColor=colors.HexColor(BLUE),
        spaceBefore=10,
        spaceAfter=4,
    )

    th = ParagraphStyle("th", parent=body, fontName=bold, fontSize=7.5, leading=9, alignment=2)
    th_left = ParagraphStyle("th_left", parent=th, alignment=0)
    td = ParagraphStyle("td", parent=body, fontSize=8.5, leading=10)

    def table(
        rows: list[list[str]],
        widths: list[float],
        *,
        bad: AbstractSet[tuple[int, int]] = frozenset(),
    ) -> Table:
        head = [Paragraph(str(c), th_left if i == 0 else th) for i, c in enumerate(rows[0])]
        # A long name (a service) wraps in its column instead of running into the next.
        body_rows = [[Paragraph(escape(str(r[0])), td), *r[1:]] for r in rows[1:]]
        t = Table([head, *body_rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
        style = [
            ("FONT", (0, 0), (-1, -1), font, 8.5),
            ("FONT", (0, 0), (-1, 0), bold, 8.5),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(LIGHT)),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d0d7de")),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        style += [("TEXTCOLOR", cell, cell, colors.HexColor(RED)) for cell in bad]
        t.setStyle(TableStyle(style))
        return t

    story: list[Any] = []
    where = report.branch_name or w("all_branches")
    what = report.service_name or w("all_services")
    if language == "en" and report.request.service:
        what = report.service_names_en.get(report.request.service, what)
    story.append(Paragraph(w("title"), h1))
    story.append(Paragraph(report.municipality, body))
    facts = [
        [w("period"), f"{_date(data['from'], language)} – {_date(data['to'], language)}"],
        [w("branch"), where],
        [w("service"), what],
        [w("norm"), w("norm_text", minutes=data["targets"]["norm_minutes"])],
        [w("target_share"), _pct(data["targets"]["target_share"], language)],
        [w("satisfaction_target"), _fmt(data["targets"]["satisfaction"], language)],
        [
            w("made_at"),
            f"{_date(data['generated_at'][:10], language)} {data['generated_at'][11:16]}",
        ],
    ]
    facts_table = Table(facts, colWidths=[45 * mm, 120 * mm], hAlign="LEFT")
    facts_table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), bold, 9),
                ("FONT", (1, 0), (1, -1), font, 9),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    story += [Spacer(1, 4), facts_table]

    # Summary: this period, a year earlier, the target.
    s, p = cur["summary"], (prev or {}).get("summary")
    sat, psat = cur["satisfaction"], (prev or {}).get("satisfaction")

    def pair(key: str, *, percent: bool = False) -> list[str]:
        now = s[key]
        then = p[key] if p else None
        return [
            _pct(now, language) if percent else _fmt(now, language),
            (_pct(then, language) if percent else _fmt(then, language)) if p else "–",
        ]

    summary = [
        [w("figure"), w("this_period"), w("year_before"), w("target")],
        [
            w("share_within_norm"),
            *pair("share_within_norm", percent=True),
            _pct(data["targets"]["target_share"], language),
        ],
        [w("visitors"), *pair("visitors"), ""],
        [w("served"), *pair("served"), ""],
        [w("walked_out"), *pair("walked_out"), ""],
        [w("no_show_called"), *pair("no_show_called"), ""],
        [w("no_show_appointments"), *pair("no_show_appointments"), ""],
        [w("p50"), *pair("p50_minutes"), ""],
        [w("p90"), *pair("p90_minutes"), ""],
        [w("p95"), *pair("p95_minutes"), ""],
        [
            w("ratings"),
            _fmt(sat["ratings"], language),
            _fmt(psat["ratings"], language) if psat else "–",
            "",
        ],
        [
            w("mean_score"),
            _fmt(sat["mean"], language),
            _fmt(psat["mean"], language) if psat else "–",
            _fmt(data["targets"]["satisfaction"], language),
        ],
        [
            w("printed"),
            _fmt(cur["paper"]["printed"], language),
            _fmt(prev["paper"]["printed"], language) if prev else "–",
            "",
        ],
        [
            w("screen_only"),
            _fmt(cur["paper"]["screen_only"], language),
            _fmt(prev["paper"]["screen_only"], language) if prev else "–",
            "",
        ],
    ]
    bad = set()
    if s["target_met"] is False:
        bad.add((1, 1))
    if sat["target_met"] is False:
        bad.add((1, 11))
    story += [
        Paragraph(w("summary"), h2),
        table(summary, [70 * mm, 32 * mm, 32 * mm, 26 * mm], bad=bad),
    ]
    story.append(Spacer(1, 4))
    story.append(Paragraph(w("explain"), small))

    # On time per kind of visit.
    rows = [
        [
            w("groups"),
            w("col_visitors"),
            w("col_called"),
            w("col_within"),
            w("col_share"),
            "P50",
            "P90",
            "P95",
        ]
    ]
    bad = set()
    for i, r in enumerate(cur["groups"], start=1):
        rows.append(
            [
                r["label"],
                str(r["visitors"]),
                str(r["called"]),
                str(r["within_norm"]),
                _pct(r["share_within_norm"], language),
                _fmt(r["p50_minutes"], language),
                _fmt(r["p90_minutes"], language),
                _fmt(r["p95_minutes"], language),
            ]
        )
        if r["target_met"] is False:
            bad.add((4, i))
    story += [
        Paragraph(w("groups"), h2),
        table(
            rows, [54 * mm, 20 * mm, 22 * mm, 18 * mm, 18 * mm, 14 * mm, 14 * mm, 14 * mm], bad=bad
        ),
    ]

    weeks = cur["by_week"]
    story.append(
        KeepTogether(
            [
                Spacer(1, 8),
                _bar_chart(
                    w("share_chart"),
                    [r["key"].partition("-W")[2] for r in weeks],
                    [round((r["share_within_norm"] or 0) * 100, 1) for r in weeks],
                    font,
                    target=round(data["targets"]["target_share"] * 100, 1),
                    max_value=100,
                    percent=True,
                ),
            ]
        )
    )

    def breakdown(section: str) -> None:
        rows = [
            [
                w(section),
                w("col_visitors"),
                w("col_served"),
                w("col_walked_out"),
                w("col_share"),
                "P50",
                "P90",
                w("col_ratings"),
                w("col_mean"),
            ]
        ]
        bad = set()
        for i, r in enumerate(cur[section], start=1):
            rows.append(
                [
                    r["label"],
                    str(r["visitors"]),
                    str(r["served"]),
                    str(r["walked_out"]),
                    _pct(r["share_within_norm"], language),
                    _fmt(r["p50_minutes"], language),
                    _fmt(r["p90_minutes"], language),
                    str(r["ratings"]),
                    _fmt(r["mean_score"], language),
                ]
            )
            if r["target_met"] is False:
                bad.add((4, i))
        if len(rows) == 1:
            rows.append([w("no_data"), "", "", "", "", "", "", "", ""])
        story.append(
            KeepTogether(
                [
                    Paragraph(w(section), h2),
                    table(
                        rows,
                        [
                            36 * mm,
                            19 * mm,
                            19 * mm,
                            21 * mm,
                            18 * mm,
                            12 * mm,
                            12 * mm,
                            16 * mm,
                            21 * mm,
                        ],
                        bad=bad,
                    ),
                ]
            )
        )

    for section in SECTIONS:
        breakdown(section)
        if section == "by_weekday" and cur[section]:
            story.append(
                _bar_chart(
                    w("visitors_chart"),
                    [r["label"] for r in cur[section]],
                    [r["visitors"] for r in cur[section]],
                    font,
                )
            )
        if section == "by_hour" and cur[section]:
            story.append(
                _bar_chart(
                    w("hour_chart"),
                    [r["key"] for r in cur[section]],
                    [r["visitors"] for r in cur[section]],
                    font,
                )
            )

    # Appointments per channel.
    chan_before = {c["key"]: c["appointments"] for c in (prev or {}).get("channels", [])}
    rows = [[w("channel"), w("this_period"), w("year_before")]]
    rows += [
        [
            c["label"],
            str(c["appointments"]),
            _fmt(chan_before.get(c["key"]), language) if prev else "–",
        ]
        for c in cur["channels"]
    ]
    story.append(
        KeepTogether([Paragraph(w("channels"), h2), table(rows, [70 * mm, 32 * mm, 32 * mm])])
    )

    # Satisfaction.
    modes = " en " if language == "nl" else " and "
    rows = [
        [w("figure"), w("this_period"), w("year_before"), w("target")],
        [w("ratings"), str(sat["ratings"]), _fmt(psat["ratings"], language) if psat else "–", ""],
        [
            w("mean_score"),
            _fmt(sat["mean"], language),
            _fmt(psat["mean"], language) if psat else "–",
            _fmt(sat["target"], language),
        ],
        [
            w("median_score"),
            _fmt(sat["median"], language),
            _fmt(psat["median"], language) if psat else "–",
            "",
        ],
        [
            w("mode_score"),
            modes.join(str(m) for m in sat["modes"]) or "–",
            (modes.join(str(m) for m in psat["modes"]) or "–") if psat else "–",
            "",
        ],
    ]
    subs = [[w("sub_score"), w("count"), w("mean")]]
    subs += [[x["label"], str(x["count"]), _fmt(x["mean"], language)] for x in sat["sub_scores"]]
    story.append(
        KeepTogether(
            [
                Paragraph(w("satisfaction"), h2),
                table(
                    rows,
                    [70 * mm, 32 * mm, 32 * mm, 26 * mm],
                    bad={(1, 2)} if sat["target_met"] is False else set(),
                ),
                Spacer(1, 6),
                Paragraph(w("sub_scores"), body),
                table(subs, [70 * mm, 32 * mm, 32 * mm]),
                Spacer(1, 6),
                _bar_chart(
                    w("score_chart"),
                    [str(i) for i in range(1, 11)],
                    list(sat["distribution"].values()),
                    font,
                ),
            ]
        )
    )

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#5b6570"))
        canvas.drawString(18 * mm, 10 * mm, f"{report.municipality} · {w('title')}")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"{w('page')} {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{w('title')} {data['from']} – {data['to']}",
        author=report.municipality,
        lang="nl-NL" if language == "nl" else "en-GB",
        initialFontName=font,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
