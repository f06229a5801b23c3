from scheduler.capacity import appointment_capacity, spread_starts
from scheduler.demand import DayDemand, Period, ServiceProfile
from scheduler.staffing import Target, metrics, service_mixture


def services():
    return {"PAS": ServiceProfile("PAS", 15, 0.4), "RYB": ServiceProfile("RYB", 10, 0.4)}


def test_start_times_are_spread_and_interleaved():
    starts = spread_starts(600, 15, {"PAS": 2, "RYB": 1})
    minutes = [m for m, _ in starts]
    assert minutes == sorted(set(minutes)) and len(minutes) == 3
    assert 600 not in minutes  # not stacked on the hour
    assert all(600 <= m < 615 for m in minutes)
    assert [s for _, s in starts] != ["PAS", "PAS", "RYB"]  # interleaved, not grouped


def test_appointment_only_period_takes_all_capacity_and_walk_ins_keep_the_norm():
    opening = [Period.of("09:00", "12:00", "mixed"), Period.of("13:00", "16:00", "appointment")]
    d = DayDemand(opening, services(), interval_minutes=15)
    n = d.n_intervals
    d.walk_in = {
        "PAS": [1.0 if getattr(d.period_at(i), "walk_ins", False) else 0.0 for i in range(n)],
        "RYB": [0.0] * n,
    }
    cap = appointment_capacity(d, [3] * n, Target(), mix={"PAS": 1, "RYB": 1})
    mixed = sum(cap.per_interval["PAS"][i] + cap.per_interval["RYB"][i] for i in range(12))
    appt_only = sum(cap.per_interval["PAS"][i] + cap.per_interval["RYB"][i] for i in range(16, n))
    assert appt_only > mixed > 0
    # Closed over lunch: nothing bookable there.
    assert all(cap.per_interval[s][i] == 0 for s in ("PAS", "RYB") for i in (12, 13, 14, 15))
    # Fractions carry over between intervals, so check the norm on the average
    # interval of the mixed period: walk-ins plus the booked appointments.
    pas = sum(cap.per_interval["PAS"][:12]) / 12
    ryb = sum(cap.per_interval["RYB"][:12]) / 12
    rates = {"PAS": 1.0 + pas, "RYB": ryb}
    mean, cs2 = service_mixture(rates, d.services)
    arrivals = sum(rates.values())
    ca2 = (1.0 + (pas + ryb) * 0.3) / arrivals
    sl = metrics(arrivals / 15, mean, 3, Target(), None, ca2, cs2).service_level
    assert sl >= 0.95
    # One more booking per interval would break it.
    rates["PAS"] += 1.0
    mean, cs2 = service_mixture(rates, d.services)
    assert metrics(sum(rates.values()) / 15, mean, 3, Target(), None, ca2, cs2).service_level < 0.95
    assert len(cap.slots) == cap.total()
    assert all(s.start % 15 != 0 for s in cap.slots if cap.total())
