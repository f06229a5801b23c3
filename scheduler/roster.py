"""Daily roster with OR-Tools CP-SAT over the interval grid (15-minute slots).

Each staff member works at most one shift a day: one block of slots, within their
availability and contract minutes, between the minimum and maximum shift length.
A shift longer than ``break_after_minutes`` holds one break of ``break_minutes``,
inside ``break_window`` when one is given and never at the very start or end of the
shift. At no slot can more people work at a counter than there are counters.

Objective (all in "late visitors", so the weights mean something to a team leader):
the expected number of visitors called after the norm at the rostered head count,
plus a heavy penalty per missing counter against the staffing need (so the target
comes first), plus a penalty per missing skilled person, plus staff cost. A shortage
never makes the model infeasible: it shows up as uncovered intervals in the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.demand import hhmm
from scheduler.staffing import IntervalNeed

SCALE = 1000  # CP-SAT wants integers; late visitors are kept to 1/1000


@dataclass(frozen=True)
class StaffAvailability:
    """Who may work today, how long, and what they can do.

    ``skills`` maps a service code to a speed factor (1.0 = average; 1.25 = 25% faster).
    ``available`` lists (start, end) minute windows; empty means the whole day.
    """

    id: str
    skills: Mapping[str, float]
    available: tuple[tuple[int, int], ...] = ()
    max_minutes: int = 8 * 60
    min_minutes: int = 0  # contract hours to honour today when possible (soft)
    cost: float = 1.0  # relative cost of an hour of this person
    name: str = ""


@dataclass(frozen=True)
class RosterRules:
    min_shift_minutes: int = 120
    max_shift_minutes: int = 9 * 60
    break_after_minutes: int = 5 * 60 + 30  # Arbeidstijdenwet: > 5.5 h needs 30 min
    break_minutes: int = 30
    break_window: tuple[int, int] | None = None  # absolute minutes, or None: anywhere
    break_margin_minutes: int = 60  # no break in the first/last hour of a shift
    late_visitor_weight: float = 1.0
    shortfall_weight: float = 40.0  # per counter missing against the need, per slot
    skill_weight: float = 20.0  # per skilled person missing, per slot
    staff_slot_cost: float = 0.35  # per person per slot, in late visitors
    under_contract_weight: float = 0.2  # per slot under min_minutes


@dataclass(frozen=True)
class Shift:
    staff_id: str
    start: int
    end: int
    breaks: tuple[tuple[int, int], ...] = ()
    counters: tuple[tuple[int, int, int], ...] = ()  # (start, end, counter number)

    @property
    def work_minutes(self) -> int:
        return self.end - self.start - sum(e - s for s, e in self.breaks)

    def working(self, minute: int) -> bool:
        if not self.start <= minute < self.end:
            return False
        return not any(s <= minute < e for s, e in self.breaks)

    def segments(self) -> list[tuple[int, int]]:
        """Working blocks between breaks."""
        out, t = [], self.start
        for s, e in sorted(self.breaks):
            if s > t:
                out.append((t, s))
            t = e
        if self.end > t:
            out.append((t, self.end))
        return out

    def to_dict(self) -> dict:
        return {
            "staff": self.staff_id,
            "start": hhmm(self.start),
            "end": hhmm(self.end),
            "breaks": [[hhmm(s), hhmm(e)] for s, e in self.breaks],
            "counters": [[hhmm(s), hhmm(e), c] for s, e, c in self.counters],
            "work_minutes": self.work_minutes,
        }


@dataclass(frozen=True)
class Uncovered:
    start: int
    end: int
    need: int
    staffed: int
    services: tuple[str, ...] = ()  # services left without enough skilled staff

    def to_dict(self) -> dict:
        return {
            "start": hhmm(self.start),
            "end": hhmm(self.end),
            "need": self.need,
            "staffed": self.staffed,
            "services": list(self.services),
        }


@dataclass
class Roster:
    start: int
    slot_minutes: int
    shifts: list[Shift]
    need: list[int]
    staffed: list[int]
    uncovered: list[Uncovered]
    expected_late: float
    status: str
    skills: dict[str, Mapping[str, float]] = field(default_factory=dict)

    @property
    def staff_minutes(self) -> int:
        return sum(s.work_minutes for s in self.shifts)

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "slot_minutes": self.slot_minutes,
            "shifts": [s.to_dict() for s in self.shifts],
            "need": {hhmm(self.start + i * self.slot_minutes): n for i, n in enumerate(self.need)},
            "staffed": {
                hhmm(self.start + i * self.slot_minutes): n for i, n in enumerate(self.staffed)
            },
            "uncovered": [u.to_dict() for u in self.uncovered],
            "expected_late": round(self.expected_late, 2),
            "staff_hours": round(self.staff_minutes / 60, 2),
        }


def _available_slots(staff: StaffAvailability, start: int, dt: int, n: int) -> list[bool]:
    if not staff.available:
        return [True] * n
    out = []
    for t in range(n):
        a, b = start + t * dt, start + (t + 1) * dt
        out.append(any(s <= a and b <= e for s, e in staff.available))
    return out


def build_roster(
    needs: Sequence[IntervalNeed],
    staff: Sequence[StaffAvailability],
    counters: int,
    slot_minutes: int,
    cover: Mapping[str, Sequence[int]] | None = None,
    rules: RosterRules | None = None,
    previous: Roster | None = None,
    time_limit_s: float = 10.0,
    seed: int = 0,
    workers: int = 1,
) -> Roster:
    """Solve the roster; never raises for a shortage (see ``Roster.uncovered``).

    ``previous`` is used as a warm start (solution hint), e.g. when one person calls
    in sick and the day is re-planned in the morning.
    """
    rules = rules or RosterRules()
    dt = slot_minutes
    n = len(needs)
    start = needs[0].start if needs else 0
    cover = cover or {}
    m = cp_model.CpModel()
    b = max(1, rules.break_minutes // dt)
    min_slots = max(1, rules.min_shift_minutes // dt)
    max_slots = rules.max_shift_minutes // dt
    long_slots = rules.break_after_minutes // dt
    margin = rules.break_margin_minutes // dt

    x: dict[tuple[int, int], cp_model.IntVar] = {}
    brk_start: dict[tuple[int, int], cp_model.IntVar] = {}
    work: dict[tuple[int, int], cp_model.LinearExprT] = {}
    objective: list[cp_model.LinearExprT] = []
    for si, person in enumerate(staff):
        avail = _available_slots(person, start, dt, n)
        for t in range(n):
            x[si, t] = m.NewBoolVar(f"x{si}_{t}")
            if not avail[t]:
                m.Add(x[si, t] == 0)
        starts = []
        for t in range(n):
            st = m.NewBoolVar(f"st{si}_{t}")
            starts.append(st)
            if t == 0:
                m.Add(x[si, t] <= st)
            else:
                m.Add(x[si, t] - x[si, t - 1] <= st)
        m.Add(sum(starts) <= 1)
        length = sum(x[si, t] for t in range(n))
        on = m.NewBoolVar(f"on{si}")
        m.Add(length >= min_slots * on)
        m.Add(length <= max_slots * on)
        is_long = m.NewBoolVar(f"long{si}")
        m.Add(length >= (long_slots + 1) * is_long)
        m.Add(length <= long_slots + n * is_long)
        bs_vars = []
        for t in range(n - b + 1):
            ok = t - margin >= 0 and t + b - 1 + margin < n
            if rules.break_window is not None:
                a, e = rules.break_window
                ok = ok and start + t * dt >= a and start + (t + b) * dt <= e
            if not ok:
                continue
            v = m.NewBoolVar(f"b{si}_{t}")
            # The break sits inside the shift, with a margin of work on both sides.
            m.Add(v <= x[si, t - margin])
            m.Add(v <= x[si, t + b - 1 + margin])
            brk_start[si, t] = v
            bs_vars.append(v)
        m.Add(sum(bs_vars) == is_long)
        for t in range(n):
            on_break = [brk_start[si, k] for k in range(t - b + 1, t + 1) if (si, k) in brk_start]
            work[si, t] = x[si, t] - sum(on_break) if on_break else x[si, t]
        worked = sum(work[si, t] for t in range(n))
        m.Add(worked * dt <= person.max_minutes)
        if person.min_minutes > 0:
            under = m.NewIntVar(0, n, f"under{si}")
            m.Add(under >= person.min_minutes // dt - worked)
            objective.append(int(rules.under_contract_weight * SCALE) * under)
        objective.append(int(round(rules.staff_slot_cost * person.cost * SCALE)) * worked)

    staffed_vars = []
    n_staff = len(staff)
    for t, need in enumerate(needs):
        on_duty = sum(work[si, t] for si in range(n_staff)) if n_staff else 0
        m.Add(on_duty <= counters)
        cnt = m.NewIntVar(0, min(n_staff, counters), f"n{t}")
        m.Add(cnt == on_duty)
        staffed_vars.append(cnt)
        table = [
            int(round(need.late_with(k) * rules.late_visitor_weight * SCALE))
            for k in range(min(n_staff, counters) + 1)
        ]
        late = m.NewIntVar(min(table), max(table), f"late{t}")
        m.AddElement(cnt, table, late)
        objective.append(late)
        if need.need > 0:
            short = m.NewIntVar(0, need.need, f"short{t}")
            m.Add(short >= need.need - cnt)
            objective.append(int(rules.shortfall_weight * SCALE) * short)
        for code, row in cover.items():
            if row[t] <= 0:
                continue
            skilled = [work[si, t] for si, p in enumerate(staff) if code in p.skills]
            gap = m.NewIntVar(0, row[t], f"gap{code}_{t}")
            m.Add(gap >= row[t] - (sum(skilled) if skilled else 0))
            objective.append(int(rules.skill_weight * SCALE) * gap)

    m.Minimize(sum(objective))

    if previous is not None:
        _hint(m, previous, staff, x, brk_start, start, dt, n)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.Solve(m)
    status_name = solver.StatusName(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        shifts: list[Shift] = []
    else:
        shifts = _extract(solver, staff, x, brk_start, start, dt, n, b)
    return summarise_roster(shifts, needs, staff, counters, cover, start, dt, status_name)


def _hint(m, previous: Roster, staff, x, brk_start, start: int, dt: int, n: int) -> None:
    by_id = {s.staff_id: s for s in previous.shifts}
    for si, person in enumerate(staff):
        shift = by_id.get(person.id)
        for t in range(n):
            minute = start + t * dt
            m.AddHint(x[si, t], bool(shift and shift.start <= minute < shift.end))
        for (sj, t), v in brk_start.items():
            if sj != si:
                continue
            minute = start + t * dt
            m.AddHint(v, bool(shift and any(s == minute for s, _ in shift.breaks)))


def _extract(solver, staff, x, brk_start, start, dt, n, b) -> list[Shift]:
    shifts = []
    for si, person in enumerate(staff):
        present = [t for t in range(n) if solver.Value(x[si, t])]
        if not present:
            continue
        breaks = tuple(
            (start + t * dt, start + (t + b) * dt)
            for (sj, t), v in sorted(brk_start.items())
            if sj == si and solver.Value(v)
        )
        shifts.append(
            Shift(person.id, start + present[0] * dt, start + (present[-1] + 1) * dt, breaks)
        )
    return shifts


def assign_counters(shifts: Sequence[Shift], counters: int) -> list[Shift]:
    """Give every working block a counter number; a person keeps theirs after a break.

    Blocks are handled in start order, so a free counter always exists while the
    head count never exceeds the number of counters.
    """
    blocks = sorted(
        ((s0, e0, i) for i, sh in enumerate(shifts) for s0, e0 in sh.segments()),
        key=lambda blk: (blk[0], blk[2]),
    )
    busy_until = [0] * (counters + 1)  # index 0 unused: counters are numbered from 1
    last: dict[int, int] = {}
    out: dict[int, list[tuple[int, int, int]]] = {i: [] for i in range(len(shifts))}
    for s0, e0, i in blocks:
        free = [c for c in range(1, counters + 1) if busy_until[c] <= s0]
        if not free:  # over capacity: report the block without a counter
            out[i].append((s0, e0, 0))
            continue
        c = last[i] if last.get(i) in free else free[0]
        busy_until[c] = e0
        last[i] = c
        out[i].append((s0, e0, c))
    return [
        Shift(sh.staff_id, sh.start, sh.end, sh.breaks, tuple(out[i]))
        for i, sh in enumerate(shifts)
    ]


def summarise_roster(
    shifts: Sequence[Shift],
    needs: Sequence[IntervalNeed],
    staff: Sequence[StaffAvailability],
    counters: int,
    cover: Mapping[str, Sequence[int]] | None,
    start: int,
    dt: int,
    status: str,
) -> Roster:
    """Counters, head count, expected late visitors and uncovered intervals of given shifts."""
    shifts = assign_counters(shifts, counters)
    skills = {p.id: p.skills for p in staff}
    staffed = []
    uncovered: list[Uncovered] = []
    late = 0.0
    for t, need in enumerate(needs):
        minute = start + t * dt
        on = [sh for sh in shifts if sh.working(minute)]
        staffed.append(len(on))
        late += need.late_with(len(on))
        short_services = tuple(
            code
            for code, row in (cover or {}).items()
            if row[t] > sum(1 for sh in on if code in skills[sh.staff_id])
        )
        if len(on) < need.need or short_services:
            uncovered.append(Uncovered(minute, minute + dt, need.need, len(on), short_services))
    return Roster(
        start=start,
        slot_minutes=dt,
        shifts=shifts,
        need=[nd.need for nd in needs],
        staffed=staffed,
        uncovered=_merge(uncovered),
        expected_late=late,
        status=status,
        skills=skills,
    )


def _merge(items: list[Uncovered]) -> list[Uncovered]:
    out: list[Uncovered] = []
    for u in items:
        if (
            out
            and out[-1].end == u.start
            and out[-1].need == u.need
            and out[-1].staffed == u.staffed
            and out[-1].services == u.services
        ):
            out[-1] = Uncovered(out[-1].start, u.end, u.need, u.staffed, u.services)
        else:
            out.append(u)
    return out
