from scheduler.demand import DayDemand, Period, ServiceProfile
from scheduler.roster import RosterRules, StaffAvailability, build_roster
from scheduler.staffing import interval_needs, skill_cover


def day(rate=5.0, start="08:30", end="17:00"):
    services = {"PAS": ServiceProfile("PAS", 15, 0.4), "UIT": ServiceProfile("UIT", 5, 0.5)}
    d = DayDemand([Period.of(start, end)], services, interval_minutes=15)
    n = d.n_intervals
    d.walk_in = {"PAS": [rate] * n, "UIT": [rate / 2] * n}
    d.appointments = {}
    return d


def solve(d, staff, counters=4, rules=None, previous=None):
    needs = interval_needs(d)
    return build_roster(
        needs,
        staff,
        counters,
        d.interval_minutes,
        cover=skill_cover(d),
        rules=rules,
        previous=previous,
        time_limit_s=5,
    )


def test_roster_respects_contract_counters_breaks_and_availability():
    staff = [
        StaffAvailability("a", {"PAS": 1.0, "UIT": 1.0}, max_minutes=8 * 60),
        StaffAvailability("b", {"PAS": 1.0, "UIT": 1.0}, max_minutes=4 * 60),
        StaffAvailability("c", {"UIT": 1.0}, available=((12 * 60, 17 * 60),)),
        StaffAvailability("d", {"PAS": 1.0, "UIT": 1.0}),
        StaffAvailability("e", {"PAS": 1.0, "UIT": 1.0}),
    ]
    rules = RosterRules(min_shift_minutes=180, break_window=(11 * 60, 14 * 60))
    r = solve(day(), staff, counters=3, rules=rules)
    assert r.status in ("OPTIMAL", "FEASIBLE")
    limits = {s.id: s.max_minutes for s in staff}
    for sh in r.shifts:
        assert sh.work_minutes <= limits[sh.staff_id]
        assert sh.end - sh.start >= 180
        if sh.end - sh.start > rules.break_after_minutes:
            assert len(sh.breaks) == 1
            ((bs, be),) = sh.breaks
            assert be - bs == 30 and bs >= 11 * 60 and be <= 14 * 60
        if sh.staff_id == "c":
            assert sh.start >= 12 * 60
    assert max(r.staffed) <= 3
    for sh in r.shifts:
        numbers = [c for _s, _e, c in sh.counters]
        assert all(1 <= c <= 3 for c in numbers)


def test_shortage_is_reported_not_infeasible():
    staff = [StaffAvailability("solo", {"PAS": 1.0, "UIT": 1.0}, max_minutes=4 * 60)]
    r = solve(day(rate=6.0), staff)
    assert r.status in ("OPTIMAL", "FEASIBLE")
    assert r.uncovered, "a one-person team cannot cover this day"
    assert any(u.staffed < u.need for u in r.uncovered)
    assert r.to_dict()["uncovered"][0]["need"] > 0


def test_missing_skill_is_reported():
    staff = [StaffAvailability(f"p{i}", {"PAS": 1.0}) for i in range(4)]
    r = solve(day(rate=2.0), staff)
    assert any("UIT" in u.services for u in r.uncovered)


def test_warm_start_from_previous_roster_gives_a_valid_roster():
    staff = [StaffAvailability(f"p{i}", {"PAS": 1.0, "UIT": 1.0}) for i in range(5)]
    first = solve(day(), staff)
    again = solve(day(), staff[1:], previous=first)
    assert again.status in ("OPTIMAL", "FEASIBLE")
    assert all(sh.staff_id != "p0" for sh in again.shifts)
