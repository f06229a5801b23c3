"""Figures from simulated days: waits, norm shares, lateness, utilisation, CIs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypedDict

import numpy as np

from scheduler.simulator import DayOutcome


def _pct(x: np.ndarray, q: float) -> float:
    return float(np.percentile(x, q)) if x.size else math.nan


def summarise(days: Sequence[DayOutcome], target: float = 5.0) -> dict:
    """Pooled figures over all days for one policy. Waits in minutes."""
    kind = np.concatenate([d.kind for d in days]) if days else np.zeros(0, dtype=np.int8)
    wait = np.concatenate([d.wait for d in days]) if days else np.zeros(0)
    abandoned = np.concatenate([d.abandoned for d in days]) if days else np.zeros(0, dtype=bool)
    late = np.concatenate([d.lateness for d in days]) if days else np.zeros(0)
    called = ~np.isnan(wait)
    on_time = called & (np.nan_to_num(wait, nan=math.inf) <= target)
    walk, appt = kind == 0, kind == 1

    def share(mask: np.ndarray) -> float:
        return float(on_time[mask].mean()) if mask.any() else math.nan

    w = wait[called]
    busy = sum(d.busy_minutes for d in days)
    duty = sum(d.duty_minutes for d in days)
    pe = np.concatenate([d.pred_abs_err for d in days]) if days else np.zeros(0)
    se = np.concatenate([d.simple_abs_err for d in days]) if days else np.zeros(0)
    n_days = max(len(days), 1)
    # Honest figures: a walk-out waited at least their patience and is a miss.
    incl = np.concatenate([_wait_incl_walkouts(d) for d in days]) if days else np.zeros(0)
    arrival = np.concatenate([d.arrival for d in days]) if days else np.zeros(0)
    slot = np.concatenate([d.appointment for d in days]) if days else np.zeros(0)
    start = np.fmax(arrival, slot)
    call = start + np.nan_to_num(wait, nan=math.inf)
    from_arrival = call - arrival
    appt_called = appt & called
    return {
        "visitors": int(kind.size),
        "walk_ins": int(walk.sum()),
        "appointments": int(appt.sum()),
        "mean_wait": float(w.mean()) if w.size else math.nan,
        "p50_wait": _pct(w, 50),
        "p90_wait": _pct(w, 90),
        "p95_wait": _pct(w, 95),
        "max_wait": float(w.max()) if w.size else math.nan,
        "mean_wait_incl_walkouts": float(incl[np.isfinite(incl)].mean())
        if np.isfinite(incl).any()
        else math.nan,
        "p95_wait_incl_walkouts": _pct(incl, 95),
        "within_target": share(np.ones_like(walk)),
        "within_target_walk_in": share(walk),
        "within_target_appointment": share(appt),
        "within_target_appointment_from_arrival": float((from_arrival[appt] <= target).mean())
        if appt.any()
        else math.nan,
        "appointment_called_within_target_of_slot": float(
            (call[appt_called] - slot[appt_called] <= target).mean()
        )
        if appt_called.any()
        else math.nan,
        "walked_out": float(abandoned[walk].mean()) if walk.any() else 0.0,
        "appointment_lateness_mean": float(np.maximum(late, 0).mean()) if late.size else 0.0,
        "appointment_late_over_target": float((late > target).mean()) if late.size else 0.0,
        "utilisation": busy / duty if duty else math.nan,
        "staff_hours_per_day": duty / 60.0 / n_days,
        "planned_staff_hours_per_day": sum(d.planned_minutes for d in days) / 60.0 / n_days,
        "prediction_mae": float(pe.mean()) if pe.size else math.nan,
        "simple_rule_mae": float(se.mean()) if se.size else math.nan,
        "predictions": int(pe.size),
        # Appointment requests without a slot, per day: came as walk-ins / other day.
        "refused_requests_per_day": sum(d.refused_walk_in + d.refused_other_day for d in days)
        / n_days,
        "refused_as_walk_in_per_day": sum(d.refused_walk_in for d in days) / n_days,
        "refused_to_other_day_per_day": sum(d.refused_other_day for d in days) / n_days,
        # No call order can wait less on average than this (scheduler.bound).
        "mean_wait_lower_bound": sum(d.wait_bound_minutes for d in days) / kind.size
        if kind.size
        else math.nan,
    }


def _wait_incl_walkouts(d: DayOutcome) -> np.ndarray:
    w = d.wait.copy()
    gone = np.isnan(w)
    if d.patience.size == w.size:
        w[gone] = d.patience[gone]
    return w


def per_day(days: Sequence[DayOutcome], target: float = 5.0) -> dict[str, np.ndarray]:
    mean_wait, within = [], []
    for d in days:
        called = ~np.isnan(d.wait)
        mean_wait.append(float(d.wait[called].mean()) if called.any() else 0.0)
        ok = called & (np.nan_to_num(d.wait, nan=math.inf) <= target)
        within.append(float(ok.mean()) if d.wait.size else 1.0)
    return {"mean_wait": np.asarray(mean_wait), "within_target": np.asarray(within)}


def paired_ci(a: np.ndarray, b: np.ndarray) -> dict:
    """Mean of a-b with a 95% normal-approximation interval, paired by day."""
    diff = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    n = diff.size
    if n == 0:
        return {"mean": math.nan, "low": math.nan, "high": math.nan, "n": 0}
    m = float(diff.mean())
    half = 1.96 * float(diff.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return {"mean": m, "low": m - half, "high": m + half, "n": n}


def compare(
    outcomes: dict[str, list[DayOutcome]], reference: str = "loket", target: float = 5.0
) -> dict:
    """Per policy: difference vs ``reference`` (policy minus reference), paired by day."""
    if reference not in outcomes:
        return {}
    ref = per_day(outcomes[reference], target)
    out = {}
    for name, days in outcomes.items():
        if name == reference:
            continue
        mine = per_day(days, target)
        out[name] = {k: paired_ci(mine[k], ref[k]) for k in ("mean_wait", "within_target")}
    return out


COLUMNS = [
    ("policy", "{:<15}", None),
    ("mean", "{:>6.2f}", "mean_wait"),
    ("P50", "{:>6.2f}", "p50_wait"),
    ("P90", "{:>6.2f}", "p90_wait"),
    ("P95", "{:>6.2f}", "p95_wait"),
    ("P95+out", "{:>7.2f}", "p95_wait_incl_walkouts"),
    ("max", "{:>6.1f}", "max_wait"),
    ("mean+out", "{:>8.2f}", "mean_wait_incl_walkouts"),
    ("LB mean", "{:>7.2f}", "mean_wait_lower_bound"),
    ("<=5 all", "{:>7.1%}", "within_target"),
    ("<=5 walk", "{:>8.1%}", "within_target_walk_in"),
    ("<=5 appt", "{:>8.1%}", "within_target_appointment"),
    ("appt arr", "{:>8.1%}", "within_target_appointment_from_arrival"),
    ("appt late", "{:>9.2f}", "appointment_lateness_mean"),
    ("walkout", "{:>7.1%}", "walked_out"),
    ("util", "{:>6.1%}", "utilisation"),
    ("refused", "{:>7.1f}", "refused_requests_per_day"),
    ("staff h", "{:>7.1f}", "staff_hours_per_day"),
    ("need h", "{:>6.1f}", "staff_hours_needed_for_norm"),
    ("MAE ours", "{:>8.2f}", "prediction_mae"),
    ("MAE rule", "{:>8.2f}", "simple_rule_mae"),
]


def format_table(name: str, summaries: dict[str, dict], ci: dict | None = None) -> str:
    head = " ".join(
        f"{title:<15}" if key is None else f"{title:>{len(fmt.format(0.0))}}"
        for title, fmt, key in COLUMNS
    )
    lines = [f"== {name} ==", head]
    for policy, s in summaries.items():
        cells = []
        for _title, fmt, key in COLUMNS:
            if key is None:
                cells.append(fmt.format(policy))
                continue
            v = s.get(key, math.nan)
            cells.append(
                fmt.format(v)
                if v is not None and not (isinstance(v, float) and math.isnan(v))
                else f"{'-':>{len(fmt.format(0.0))}}"
            )
        lines.append(" ".join(cells))
    lines.append(
        "  <=5: called within the norm; walk-outs count as misses. P95 counts only called "
        "visitors, P95+out counts a walk-out as waiting their patience. <=5 appt: from the "
        "later of arrival and slot; appt arr: from arrival. pooled = reference (everyone "
        "does everything), not a bound. mean+out: mean wait, a walk-out waited their "
        "patience; LB mean: lower bound on mean+out that no call order can beat (one "
        "queue, every clerk universal at the best speed, no breaks, arrivals known). "
        "refused: appointment requests per day without a slot (as walk-in or another "
        "day). staff h: worked per day on the plan's roster; need h: planned staff-hours "
        "per day the policy needs for the norm (- = unreachable/not searched)."
    )
    if ci:
        lines.append("difference vs loket, paired by day (policy - loket, 95% CI):")
        for policy, d in ci.items():
            mw, wt = d["mean_wait"], d["within_target"]
            lines.append(
                f"  {policy:<15} mean wait {mw['mean']:+.2f} min "
                f"[{mw['low']:+.2f}, {mw['high']:+.2f}]"
                f"   within 5 min {wt['mean']:+.1%} [{wt['low']:+.1%}, {wt['high']:+.1%}]"
            )
    return "\n".join(lines)


class Misses(TypedDict):
    per_day: dict[str, float]  # walk_in_late, walked_out, appointment_late
    by_hour: dict[int, dict[str, float]]  # hour of the clock start -> the same
    by_service: dict[str, dict[str, float]]


def misses(days: Sequence[DayOutcome], target: float = 5.0) -> Misses:
    """Who missed the norm, per day: walk-ins called late, walk-outs, appointments
    called late; and the same by hour of the clock start and by service."""
    n = max(len(days), 1)
    kinds = ("walk_in_late", "walked_out", "appointment_late")
    total = dict.fromkeys(kinds, 0.0)
    by_hour: dict[int, dict[str, float]] = {}
    by_service: dict[str, dict[str, float]] = {}
    for d in days:
        start = np.fmax(d.arrival, np.nan_to_num(d.appointment, nan=-math.inf))
        missed = ~(np.nan_to_num(d.wait, nan=math.inf) <= target)
        for i in np.nonzero(missed)[0]:
            k = kinds[2] if d.kind[i] else (kinds[1] if d.abandoned[i] else kinds[0])
            total[k] += 1 / n
            hour = by_hour.setdefault(int(start[i] // 60), dict.fromkeys(kinds, 0.0))
            hour[k] += 1 / n
            svc = by_service.setdefault(d.service[i], dict.fromkeys(kinds, 0.0))
            svc[k] += 1 / n
    return {"per_day": total, "by_hour": dict(sorted(by_hour.items())), "by_service": by_service}
