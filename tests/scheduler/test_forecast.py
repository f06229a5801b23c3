from datetime import date, datetime, timedelta

import pytest

from scheduler.demand import Period
from scheduler.forecast import VisitRecord, build_forecast


def history():
    recs = []
    for week in range(4):
        monday = datetime(2026, 1, 5) + timedelta(weeks=week)
        for k in range(8):  # 8 passport walk-ins between 09:00 and 09:15 every Monday
            arrival = monday.replace(hour=9, minute=k)
            start = arrival + timedelta(minutes=2)
            staff = "fast" if k % 2 else "slow"
            minutes = 10 if staff == "fast" else 20
            recs.append(
                VisitRecord(
                    "PAS",
                    "walk_in",
                    arrival,
                    start,
                    start,
                    start + timedelta(minutes=minutes),
                    staff,
                )
            )
        for k in range(4):  # 4 appointments, one never shows
            at = monday.replace(hour=14, minute=15 * k)
            recs.append(
                VisitRecord("NIK", "appointment", None if k == 0 else at, appointment_time=at)
            )
    return recs


def test_walk_ins_per_interval_show_rate_and_service_times():
    f = build_forecast(history(), prior_visits=4, min_visits=5)
    assert f.walk_ins[0]["PAS"][9 * 60] == pytest.approx(8.0)
    assert f.show_rate == pytest.approx(0.75)
    assert f.service_times["PAS"].mean_minutes == pytest.approx(15.0)
    assert f.service_times["PAS"].cv == pytest.approx(5 / 15, rel=0.05)
    assert f.speed["fast"]["PAS"] > 1.2 > 1.0 > f.speed["slow"]["PAS"]


def test_day_demand_only_in_walk_in_periods():
    f = build_forecast(history())
    d = f.day_demand(
        date(2026, 2, 2),
        [Period.of("09:00", "10:00", "walk_in"), Period.of("13:00", "15:00", "appointment")],
    )
    assert d.walk_in["PAS"][0] == pytest.approx(8.0)
    assert sum(d.walk_in["PAS"]) == pytest.approx(8.0)
    assert d.show_rate == pytest.approx(0.75)


def test_punctuality_of_booked_visitors_from_their_check_ins():
    recs = []
    monday = datetime(2026, 1, 5, 10, 0)
    # Arrivals relative to the appointment time: 2 early, 3 late, one never came.
    for k, minutes in enumerate([-4, -2, 3, 6, 9, None]):
        at = monday + timedelta(minutes=15 * k)
        arrival = None if minutes is None else at + timedelta(minutes=minutes)
        recs.append(VisitRecord("NIK", "appointment", arrival, appointment_time=at))
    # A late visitor who became a walk-in still counts: the appointment time is known.
    at = monday + timedelta(hours=2)
    recs.append(VisitRecord("NIK", "walk_in", at + timedelta(minutes=20), appointment_time=at))
    f = build_forecast(recs)
    assert f.punctuality is not None
    assert f.punctuality.visits == 6
    assert f.punctuality.median_minutes == pytest.approx(4.5)  # of -4 -2 3 6 9 20
    assert f.punctuality.late_share == pytest.approx(4 / 6)
    assert build_forecast(history()).punctuality is not None  # on time: median 0
    assert build_forecast(history()).punctuality.median_minutes == 0  # type: ignore[union-attr]
