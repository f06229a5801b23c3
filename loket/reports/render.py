"""A report as JSON (for other tools) and as CSV (for Excel as Dutch municipalities use it).

CSV choices, for Excel with Dutch regional settings (the usual set-up in a town hall):

- separator ``;``: Dutch Excel's list separator, because the comma is the decimal mark;
- decimal comma (``4,5``), no thousands separator, so Excel reads numbers as numbers;
- UTF-8 with a byte-order mark: without the BOM Excel assumes Windows-1252 and breaks
  letters such as "ë" in "financiën"; with it, it reads UTF-8;
- CRLF line ends (RFC 4180) and ISO dates (2026-11-24), which Excel recognises.

One row per figure ("long" format): section, key, label, what, this period, a year
earlier. It reads top to bottom and a pivot table turns it into any table.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from loket.reports import texts
from loket.reports.figures import Figures, Report, Row

SECTIONS = ("by_branch", "by_service", "by_weekday", "by_hour", "by_week")
ROW_FIGURES = (
    "visitors",
    "served",
    "walked_out",
    "called",
    "within_norm",
    "share_within_norm",
    "p50",
    "p90",
    "p95",
    "ratings",
    "mean_score",
)


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def row_label(report: Report, section: str, key: str, language: str) -> str:
    if section == "groups":
        return texts.GROUPS[language].get(key, key)
    if section == "by_branch":
        return report.branch_names.get(key, key)
    if section == "by_service":
        names = report.service_names_en if language == "en" else report.service_names
        return names.get(key, key)
    if section == "by_weekday":
        return texts.WEEKDAYS[language][int(key)]
    if section == "by_hour":
        return texts.hour_label(int(key))
    if section == "by_week":
        return texts.week_label(key, language)
    return texts.text(language, "summary")


def row_dict(report: Report, section: str, r: Row, language: str) -> dict[str, Any]:
    return {
        "key": r.key,
        "label": row_label(report, section, r.key, language),
        "visitors": r.visitors,
        "served": r.served,
        "walked_out": r.walked_out,
        "called": r.called,
        "within_norm": r.within_norm,
        "missed_uncalled": r.missed_uncalled,
        "share_within_norm": _share(r.share_within_norm),
        "target_share": r.target_share,
        "target_met": r.target_met,
        "p50_minutes": r.p50_minutes,
        "p90_minutes": r.p90_minutes,
        "p95_minutes": r.p95_minutes,
        "ratings": r.ratings,
        "mean_score": r.mean_score,
    }


def figures_dict(report: Report, f: Figures, language: str) -> dict[str, Any]:
    s = f.satisfaction
    data: dict[str, Any] = {
        "from": f.start.isoformat(),
        "to": f.end.isoformat(),
        "norm_minutes": f.norm_minutes,
        "summary": {
            **row_dict(report, "summary", f.total, language),
            "no_show_called": f.no_show_called,
            "no_show_appointments": f.no_show_appointments,
        },
        "groups": [row_dict(report, "groups", r, language) for r in f.groups],
        "channels": [
            {
                "key": c.key,
                "label": texts.CHANNELS[language].get(c.key, c.key),
                "appointments": c.appointments,
            }
            for c in f.channels
        ],
        "satisfaction": {
            "ratings": s.ratings,
            "mean": s.mean,
            "median": s.median,
            "modes": list(s.modes),
            "target": s.target,
            "target_met": s.target_met,
            "distribution": {str(i + 1): n for i, n in enumerate(s.distribution)},
            "sub_scores": [
                {
                    "key": x.key,
                    "label": texts.SUB_SCORES[language][x.key],
                    "count": x.count,
                    "mean": x.mean,
                }
                for x in s.sub_scores
            ],
        },
        "paper": {"printed": f.printed, "screen_only": f.screen_only},
    }
    for section in SECTIONS:
        data[section] = [row_dict(report, section, r, language) for r in getattr(f, section)]
    return data


def report_dict(report: Report, language: str = "nl") -> dict[str, Any]:
    language = texts.check_language(language)
    req = report.request
    t = report.targets
    return {
        "municipality": report.municipality,
        "language": language,
        "from": req.start.isoformat(),
        "to": req.end.isoformat(),
        "branch": {"code": req.branch, "name": report.branch_name} if req.branch else None,
        "service": {"code": req.service, "name": report.service_name} if req.service else None,
        "generated_at": report.generated_at.isoformat(timespec="seconds"),
        "targets": {
            "norm_minutes": t.norm_for(req.branch, req.service),
            "target_share": t.share_for(req.branch, req.service),
            "satisfaction": t.satisfaction_for(req.branch, req.service),
        },
        "current": figures_dict(report, report.current, language),
        "previous": (figures_dict(report, report.previous, language) if report.previous else None),
    }


# -- CSV ---------------------------------------------------------------------------------


def number(value: object) -> str:
    """A cell as Dutch Excel reads it: decimal comma, empty for "no data"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _row_values(d: dict[str, Any]) -> dict[str, object]:
    return {
        "visitors": d["visitors"],
        "served": d["served"],
        "walked_out": d["walked_out"],
        "called": d["called"],
        "within_norm": d["within_norm"],
        "share_within_norm": _percent(d["share_within_norm"]),
        "p50": d["p50_minutes"],
        "p90": d["p90_minutes"],
        "p95": d["p95_minutes"],
        "ratings": d["ratings"],
        "mean_score": d["mean_score"],
    }


def _match_key(section: str, key: str) -> str:
    # Weeks a year apart share their week number, not their year.
    return key.partition("-W")[2] if section == "by_week" else key


def csv_rows(report: Report, language: str = "nl") -> list[list[str]]:
    data = report_dict(report, language)
    cur, prev = data["current"], data["previous"] or {}
    w = lambda key: texts.text(language, key)  # noqa: E731
    what = {k: w(k) for k in ROW_FIGURES}
    header = [w("section"), w("key"), w("label"), w("figure"), w("this_period"), w("year_before")]
    rows = [header]

    def add(section: str, key: str, label: str, figure: str, now: object, then: object) -> None:
        rows.append([section, key, label, figure, number(now), number(then)])

    period = f"{data['from']} – {data['to']}"
    add(
        w("period"),
        "period",
        w("period"),
        w("period"),
        period,
        f"{prev['from']} – {prev['to']}" if prev else None,
    )
    add(w("norm"), "norm_minutes", w("norm"), "min", data["targets"]["norm_minutes"], None)
    add(
        w("target"),
        "target_share",
        w("target_share") + " (%)",
        "%",
        _percent(data["targets"]["target_share"]),
        None,
    )
    add(
        w("target"),
        "satisfaction",
        w("satisfaction_target"),
        w("mean_score"),
        data["targets"]["satisfaction"],
        None,
    )

    summary_now, summary_then = (
        _row_values(cur["summary"]),
        (_row_values(prev["summary"]) if prev else {}),
    )
    for k, value in summary_now.items():
        add(w("summary"), k, w("summary"), what[k], value, summary_then.get(k))
    for k in ("no_show_called", "no_show_appointments"):
        add(
            w("summary"),
            k,
            w("summary"),
            w(k),
            cur["summary"][k],
            prev["summary"][k] if prev else None,
        )

    def block(section: str, title: str) -> None:
        before = {_match_key(section, r["key"]): r for r in prev.get(section, [])}
        for r in cur[section]:
            old = before.get(_match_key(section, r["key"]))
            values, old_values = _row_values(r), (_row_values(old) if old else {})
            for k, value in values.items():
                add(title, r["key"], r["label"], what[k], value, old_values.get(k))

    block("groups", w("groups"))
    chan_before = {c["key"]: c["appointments"] for c in prev.get("channels", [])}
    for c in cur["channels"]:
        add(
            w("channels"),
            c["key"],
            c["label"],
            w("appointments"),
            c["appointments"],
            chan_before.get(c["key"]),
        )
    for section in SECTIONS:
        block(section, w(section))

    s, ps = cur["satisfaction"], prev.get("satisfaction", {})
    for k, figure in (("ratings", "ratings"), ("mean", "mean_score"), ("median", "median_score")):
        add(w("satisfaction"), k, w("satisfaction"), w(figure), s[k], ps.get(k))
    add(
        w("satisfaction"),
        "modes",
        w("satisfaction"),
        w("mode_score"),
        " ".join(str(m) for m in s["modes"]) or None,
        " ".join(str(m) for m in ps.get("modes", [])) or None,
    )
    for score, n in s["distribution"].items():
        add(
            w("satisfaction"),
            f"score_{score}",
            f"{w('score_chart')}: {score}",
            w("count"),
            n,
            ps.get("distribution", {}).get(score),
        )
    sub_before = {x["key"]: x for x in ps.get("sub_scores", [])}
    for x in s["sub_scores"]:
        old = sub_before.get(x["key"], {})
        add(w("sub_scores"), x["key"], x["label"], w("count"), x["count"], old.get("count"))
        add(w("sub_scores"), x["key"], x["label"], w("mean"), x["mean"], old.get("mean"))
    paper, pp = cur["paper"], prev.get("paper", {})
    add(w("paper"), "printed", w("printed"), w("count"), paper["printed"], pp.get("printed"))
    add(
        w("paper"),
        "screen_only",
        w("screen_only"),
        w("count"),
        paper["screen_only"],
        pp.get("screen_only"),
    )
    return rows


def report_csv(report: Report, language: str = "nl") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(csv_rows(report, language))
    return buffer.getvalue().encode("utf-8-sig")
