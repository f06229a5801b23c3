"""Daily roster with OR-Tools CP-SAT over the interval grid (15-minute slots).

Each staff member works at most one shift a day: one block of slots, within their
availability and contract minutes, between the minimum and maximum shift length.
A shift longer than ``break_after_minutes`` holds one break of ``break_minutes``,
inside ``break_window`` when one is given and never at the very start or end of the
shift. At no slot can more people work at a counter than there are counters.

Counters have equipment (``CounterEquipment.services``; ``None`` = everything). Per
slot every person on duty sits at one class of equally equipped counters, and a
class never holds more people than it has counters. A person counts for a service
only at a counter equipped for it.

Staffing need comes per *group of services* (``GroupNeed``): for a group S, the
people who can serve something in S at their counter must be at least the counters
the demand of S alone needs. With the whole day as one group this is the pooled
need; smaller groups keep a split team (narrow skills, a birth-and-marriage room)
from looking big enough when it is not (Hall's condition for the skill graph).

Objective (all in "late visitors", so the weights mean something to a team leader):
the expected number of visitors called after the norm at the rostered head count,
plus a heavy penalty per missing counter against the staffing need and per missing
person in a group (so the target comes first), plus staff cost. A shortage never
makes the model infeasible: it shows up as uncovered intervals in the result.

Reproducible: one search worker, a fixed seed and a *deterministic* work limit
(``work_limit``, CP-SAT's deterministic time), so the same inputs give the same
roster on any machine and under any load. A wall-clock cap only guards against a
runaway solve; when it is hit, ``Roster.status`` says so. The optimality gap is in
``Roster.gap``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.demand import hhmm
from scheduler.staffing import IntervalNeed

SCALE = 1000  # CP-SAT wants integers; late visitors are kept to 1/1000
WORK_LIMIT = 4.0  # deterministic time units (~ seconds of one core) per solve
NO_SOLUTION_RETRIES = 2  # work x4 each time when the limit found no roster at all
WALL_CAP_S = 900.0  # safety cap only; the work limit decides when search stops


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
class CounterEquipment:
    """One physical counter and the services it is equipped for (``None``: all)."""

    number: int
    services: frozenset[str] | None = None
    name: str = ""

    def serves(self, service: str) -> bool:
        return self.services is None or service in self.services


def as_counters(counters: int | Sequence[CounterEquipment]) -> list[CounterEquipment]:
    """``4`` means four counters equipped for everything."""
    if isinstance(counters, int):
        return [CounterEquipment(i) for i in range(1, counters + 1)]
    return sorted(counters, key=lambda c: c.number)


@dataclass(frozen=True)
class GroupNeed:
    """People able to serve something in ``services`` needed per slot."""

    services: frozenset[str]
    need: tuple[int, ...]
    weight: float = 40.0  # late visitors per missing person per slot

    def label(self) -> str:
        return "+".join(sorted(self.services))


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

    def counter_at(self, minute: int) -> int | None:
        for s, e, c in self.counters:
            if s <= minute < e:
                return c
        return None

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

    def to_dict(self) -> dict[str, object]:
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
    # (services of a group, colleagues missing for it) per short group
    missing: tuple[tuple[tuple[str, ...], int], ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "start": hhmm(self.start),
            "end": hhmm(self.end),
            "need": self.need,
            "staffed": self.staffed,
            "services": list(self.services),
            "missing": [{"skills": list(s), "colleagues": n} for s, n in self.missing],
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
    objective: float | None = None  # in late visitors
    bound: float | None = None  # best proven lower bound of the objective
    counters: list[CounterEquipment] = field(default_factory=list)

    @property
    def staff_minutes(self) -> int:
        return sum(s.work_minutes for s in self.shifts)

    @property
    def gap(self) -> float | None:
        """Relative optimality gap (0 = proven optimal); None without a solve."""
        if self.objective is None or self.bound is None:
            return None
        if self.objective <= 1e-9:
            return 0.0
        return max(0.0, (self.objective - self.bound) / abs(self.objective))

    def serving(self, minute: int, service: str) -> int:
        """People at work at ``minute`` who can serve ``service`` at their counter."""
        equip = {c.number: c for c in self.counters}
        n = 0
        for sh in self.shifts:
            if not sh.working(minute) or service not in self.skills.get(sh.staff_id, {}):
                continue
            c = equip.get(sh.counter_at(minute) or 0)
            if c is None or c.serves(service):
                n += 1
        return n

    def to_dict(self) -> dict[str, object]:
        gap = self.gap
        return {
            "status": self.status,
            "optimality_gap": None if gap is None else round(gap, 4),
            "objective": None if self.objective is None else round(self.objective, 3),
            "bound": None if self.bound is None else round(self.bound, 3),
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


def equipment_classes(
    counters: Sequence[CounterEquipment],
) -> list[tuple[frozenset[str] | None, list[int]]]:
    """Counters grouped by equal equipment: (services or None, counter numbers)."""
    classes: dict[frozenset[str] | None, list[int]] = {}
    for c in counters:
        classes.setdefault(c.services, []).append(c.number)
    return sorted(classes.items(), key=lambda kv: (kv[0] is not None, sorted(kv[0] or ()), kv[1]))


def _eligible(
    skills: Mapping[str, float], equip: frozenset[str] | None, group: frozenset[str]
) -> bool:
    return any(s in group and (equip is None or s in equip) for s in skills)


def cover_groups(cover: Mapping[str, Sequence[int]], weight: float) -> list[GroupNeed]:
    """The old per-service cover rows as single-service groups."""
    return [GroupNeed(frozenset([code]), tuple(row), weight) for code, row in cover.items()]


def build_roster(
    needs: Sequence[IntervalNeed],
    staff: Sequence[StaffAvailability],
    counters: int | Sequence[CounterEquipment],
    slot_minutes: int,
    cover: Mapping[str, Sequence[int]] | None = None,
    rules: RosterRules | None = None,
    previous: Roster | None = None,
    time_limit_s: float = WALL_CAP_S,
    seed: int = 0,
    workers: int = 1,
    groups: Sequence[GroupNeed] = (),
    work_limit: float = WORK_LIMIT,
) -> Roster:
    """Solve the roster; never raises for a shortage (see ``Roster.uncovered``).

    ``previous`` is used as a warm start (solution hint), e.g. when one person calls
    in sick and the day is re-planned in the morning. ``work_limit`` (deterministic)
    bounds the search; ``time_limit_s`` can only raise the wall-clock safety cap
    (``WALL_CAP_S``), so a busy machine does not cut the search short. More than one
    worker is not reproducible.
    """
    rules = rules or RosterRules()
    equipment = as_counters(counters)
    classes = equipment_classes(equipment)
    groups = list(groups) + cover_groups(cover or {}, rules.skill_weight)
    dt = slot_minutes
    n = len(needs)
    start = needs[0].start if needs else 0
    n_counters = len(equipment)
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
            x[si, t] = m.new_bool_var(f"x{si}_{t}")
            if not avail[t]:
                m.add(x[si, t] == 0)
        starts = []
        for t in range(n):
            st = m.new_bool_var(f"st{si}_{t}")
            starts.append(st)
            if t == 0:
                m.add(x[si, t] <= st)
            else:
                m.add(x[si, t] - x[si, t - 1] <= st)
        m.add(sum(starts) <= 1)
        length = sum(x[si, t] for t in range(n))
        on = m.new_bool_var(f"on{si}")
        m.add(length >= min_slots * on)
        m.add(length <= max_slots * on)
        is_long = m.new_bool_var(f"long{si}")
        m.add(length >= (long_slots + 1) * is_long)
        m.add(length <= long_slots + n * is_long)
        bs_vars = []
        for t in range(n - b + 1):
            ok = t - margin >= 0 and t + b - 1 + margin < n
            if rules.break_window is not None:
                a, e = rules.break_window
                ok = ok and start + t * dt >= a and start + (t + b) * dt <= e
            if not ok:
                continue
            v = m.new_bool_var(f"b{si}_{t}")
            # The break sits inside the shift, with a margin of work on both sides.
            m.add(v <= x[si, t - margin])
            m.add(v <= x[si, t + b - 1 + margin])
            brk_start[si, t] = v
            bs_vars.append(v)
        m.add(sum(bs_vars) == is_long)
        for t in range(n):
            on_break = [brk_start[si, k] for k in range(t - b + 1, t + 1) if (si, k) in brk_start]
            work[si, t] = x[si, t] - sum(on_break) if on_break else x[si, t]
        worked = sum(work[si, t] for t in range(n))
        m.add(worked * dt <= person.max_minutes)
        if person.min_minutes > 0:
            under = m.new_int_var(0, n, f"under{si}")
            m.add(under >= person.min_minutes // dt - worked)
            objective.append(int(rules.under_contract_weight * SCALE) * under)
        objective.append(int(round(rules.staff_slot_cost * person.cost * SCALE)) * worked)

    # Where each person sits: one class of equally equipped counters per slot.
    seat: dict[tuple[int, int, int], cp_model.LinearExprT] = {}
    for si in range(len(staff)):
        for t in range(n):
            if len(classes) == 1:
                seat[si, 0, t] = work[si, t]
                continue
            vs = [m.new_bool_var(f"y{si}_{k}_{t}") for k in range(len(classes))]
            m.add(sum(vs) == work[si, t])
            for k, v in enumerate(vs):
                seat[si, k, t] = v
    if len(classes) > 1:
        for k, (_equip, numbers) in enumerate(classes):
            for t in range(n):
                m.add(sum(seat[si, k, t] for si in range(len(staff))) <= len(numbers))

    staffed_vars = []
    n_staff = len(staff)
    top = min(n_staff, n_counters)
    for t, need in enumerate(needs):
        on_duty = sum(work[si, t] for si in range(n_staff)) if n_staff else 0
        m.add(on_duty <= n_counters)
        cnt = m.new_int_var(0, top, f"n{t}")
        m.add(cnt == on_duty)
        staffed_vars.append(cnt)
        table = [
            int(round(need.late_with(k) * rules.late_visitor_weight * SCALE))
            for k in range(top + 1)
        ]
        late = m.new_int_var(min(table), max(table), f"late{t}")
        m.add_element(cnt, table, late)
        objective.append(late)
        if need.need > 0:
            short = m.new_int_var(0, need.need, f"short{t}")
            m.add(short >= need.need - cnt)
            objective.append(int(rules.shortfall_weight * SCALE) * short)
    for g, group in enumerate(groups):
        pairs = [
            (si, k)
            for si, p in enumerate(staff)
            for k, (equip, _numbers) in enumerate(classes)
            if _eligible(p.skills, equip, group.services)
        ]
        for t in range(n):
            want = group.need[t] if t < len(group.need) else 0
            if want <= 0:
                continue
            gap = m.new_int_var(0, want, f"g{g}_{t}")
            able = [seat[si, k, t] for si, k in pairs]
            m.add(gap >= want - (sum(able) if able else 0))
            objective.append(int(round(group.weight * SCALE)) * gap)

    m.minimize(sum(objective))

    if previous is not None:
        _hint(m, previous, staff, x, brk_start, start, dt, n)

    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = work_limit
    solver.parameters.max_time_in_seconds = max(time_limit_s, WALL_CAP_S)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(m)
    for _retry in range(NO_SOLUTION_RETRIES):
        if status != cp_model.UNKNOWN:
            break
        # No roster at all within the work limit: an empty roster would send nobody
        # to work. Search on with more (still deterministic) work.
        solver.parameters.max_deterministic_time *= 4
        status = solver.solve(m)
    status_name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        shifts: list[Shift] = []
        obj = bound = None
    else:
        shifts = _extract(solver, staff, x, brk_start, start, dt, n, b)
        seats = {
            (si, t): k
            for (si, k, t), v in seat.items()
            if len(classes) > 1 and solver.value(v)  # type: ignore[arg-type]
        }
        if len(classes) > 1:
            shifts = _place(shifts, staff, seats, classes, start, dt, n)
        obj = solver.objective_value / SCALE
        bound = solver.best_objective_bound / SCALE
        if (
            status == cp_model.FEASIBLE
            and solver.wall_time >= solver.parameters.max_time_in_seconds
        ):
            status_name = "FEASIBLE_WALL_CAP"
    roster = summarise_roster(shifts, needs, staff, equipment, None, start, dt, status_name, groups)
    roster.objective, roster.bound = obj, bound
    return roster


def _hint(
    m: cp_model.CpModel,
    previous: Roster,
    staff: Sequence[StaffAvailability],
    x: Mapping[tuple[int, int], cp_model.IntVar],
    brk_start: Mapping[tuple[int, int], cp_model.IntVar],
    start: int,
    dt: int,
    n: int,
) -> None:
    by_id = {s.staff_id: s for s in previous.shifts}
    for si, person in enumerate(staff):
        shift = by_id.get(person.id)
        for t in range(n):
            minute = start + t * dt
            m.add_hint(x[si, t], bool(shift and shift.start <= minute < shift.end))
        for (sj, t), v in brk_start.items():
            if sj != si:
                continue
            minute = start + t * dt
            m.add_hint(v, bool(shift and any(s == minute for s, _ in shift.breaks)))


def _extract(
    solver: cp_model.CpSolver,
    staff: Sequence[StaffAvailability],
    x: Mapping[tuple[int, int], cp_model.IntVar],
    brk_start: Mapping[tuple[int, int], cp_model.IntVar],
    start: int,
    dt: int,
    n: int,
    b: int,
) -> list[Shift]:
    shifts = []
    for si, person in enumerate(staff):
        present = [t for t in range(n) if solver.value(x[si, t])]
        if not present:
            continue
        breaks = tuple(
            (start + t * dt, start + (t + b) * dt)
            for (sj, t), v in sorted(brk_start.items())
            if sj == si and solver.value(v)
        )
        shifts.append(
            Shift(person.id, start + present[0] * dt, start + (present[-1] + 1) * dt, breaks)
        )
    return shifts


def _runs(per_slot: list[tuple[int, int]], dt: int) -> tuple[tuple[int, int, int], ...]:
    """(minute, counter) per worked slot -> (start, end, counter) runs."""
    out: list[tuple[int, int, int]] = []
    for minute, c in per_slot:
        if out and out[-1][1] == minute and out[-1][2] == c:
            out[-1] = (out[-1][0], minute + dt, c)
        else:
            out.append((minute, minute + dt, c))
    return tuple(out)


def _place(
    shifts: list[Shift],
    staff: Sequence[StaffAvailability],
    seats: Mapping[tuple[int, int], int],
    classes: Sequence[tuple[frozenset[str] | None, list[int]]],
    start: int,
    dt: int,
    n: int,
) -> list[Shift]:
    """Counter numbers inside the class the solver chose; keep a person's counter."""
    index = {p.id: si for si, p in enumerate(staff)}
    last: dict[str, int] = {}
    per_slot: dict[str, list[tuple[int, int]]] = {sh.staff_id: [] for sh in shifts}
    for t in range(n):
        minute = start + t * dt
        taken: set[int] = set()
        on = [sh for sh in shifts if sh.working(minute)]
        # Those who can keep their counter first, then the rest in a fixed order.
        on.sort(key=lambda sh: (last.get(sh.staff_id) is None, sh.staff_id))
        for sh in on:
            k = seats.get((index[sh.staff_id], t), 0)
            numbers = classes[k][1]
            prev = last.get(sh.staff_id)
            free = [c for c in numbers if c not in taken]
            c = prev if prev in free else (free[0] if free else 0)
            taken.add(c)
            last[sh.staff_id] = c
            per_slot[sh.staff_id].append((minute, c))
    return [
        Shift(sh.staff_id, sh.start, sh.end, sh.breaks, _runs(per_slot[sh.staff_id], dt))
        for sh in shifts
    ]


def assign_counters(
    shifts: Sequence[Shift],
    counters: int | Sequence[CounterEquipment],
    skills: Mapping[str, Mapping[str, float]] | None = None,
) -> list[Shift]:
    """Give every working block a counter; a person keeps theirs after a break.

    Blocks are handled in start order, so a free counter always exists while the
    head count never exceeds the number of counters. With equipment, a block goes to
    the free counter equipped for most of the person's services (then the narrowest
    such counter, so the broad ones stay free for generalists).
    """
    equipment = as_counters(counters)
    skills = skills or {}
    blocks = sorted(
        ((s0, e0, i) for i, sh in enumerate(shifts) for s0, e0 in sh.segments()),
        key=lambda blk: (blk[0], blk[2]),
    )
    busy_until = {c.number: 0 for c in equipment}
    last: dict[int, int] = {}
    out: dict[int, list[tuple[int, int, int]]] = {i: [] for i in range(len(shifts))}

    def fit(c: CounterEquipment, own: Mapping[str, float]) -> tuple[int, int, int]:
        useful = sum(1 for s in own if c.serves(s))
        width = len(c.services) if c.services is not None else 10**6
        return (-useful, width, c.number)

    for s0, e0, i in blocks:
        free = [c for c in equipment if busy_until[c.number] <= s0]
        if not free:  # over capacity: report the block without a counter
            out[i].append((s0, e0, 0))
            continue
        own = skills.get(shifts[i].staff_id, {})
        best = min(free, key=lambda c: fit(c, own))
        keep = [c for c in free if c.number == last.get(i)]
        c = keep[0] if keep and fit(keep[0], own)[0] == fit(best, own)[0] else best
        busy_until[c.number] = e0
        last[i] = c.number
        out[i].append((s0, e0, c.number))
    return [
        Shift(sh.staff_id, sh.start, sh.end, sh.breaks, tuple(out[i]))
        for i, sh in enumerate(shifts)
    ]


def summarise_roster(
    shifts: Sequence[Shift],
    needs: Sequence[IntervalNeed],
    staff: Sequence[StaffAvailability],
    counters: int | Sequence[CounterEquipment],
    cover: Mapping[str, Sequence[int]] | None,
    start: int,
    dt: int,
    status: str,
    groups: Sequence[GroupNeed] = (),
) -> Roster:
    """Counters, head count, expected late visitors and uncovered intervals of given shifts."""
    equipment = as_counters(counters)
    skills = {p.id: p.skills for p in staff}
    if any(not sh.counters for sh in shifts):
        shifts = assign_counters(shifts, equipment, skills)
    shifts = list(shifts)
    if cover:
        groups = list(groups) + cover_groups(cover, RosterRules.skill_weight)
    equip = {c.number: c for c in equipment}
    staffed = []
    uncovered: list[Uncovered] = []
    late = 0.0
    for t, need in enumerate(needs):
        minute = start + t * dt
        on = [sh for sh in shifts if sh.working(minute)]
        staffed.append(len(on))
        late += need.late_with(len(on))
        missing: list[tuple[tuple[str, ...], int]] = []
        short: set[str] = set()
        for g in groups:
            want = g.need[t] if t < len(g.need) else 0
            if want <= 0:
                continue
            able = 0
            for sh in on:
                c = equip.get(sh.counter_at(minute) or 0)
                if _eligible(skills[sh.staff_id], None if c is None else c.services, g.services):
                    able += 1
            if able < want:
                missing.append((tuple(sorted(g.services)), want - able))
                short |= g.services
        missing = _tightest(missing)
        if len(on) < need.need or missing:
            uncovered.append(
                Uncovered(
                    minute, minute + dt, need.need, len(on), tuple(sorted(short)), tuple(missing)
                )
            )
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
        counters=equipment,
    )


def _tightest(
    missing: list[tuple[tuple[str, ...], int]],
) -> list[tuple[tuple[str, ...], int]]:
    """Drop a short group when a smaller group inside it is short by as many."""
    most: dict[tuple[str, ...], int] = {}
    for s, k in missing:
        most[s] = max(k, most.get(s, 0))
    out = []
    for s, k in most.items():
        if any(set(o) < set(s) and ko >= k for o, ko in most.items()):
            continue
        out.append((s, k))
    return sorted(out)


def _merge(items: list[Uncovered]) -> list[Uncovered]:
    out: list[Uncovered] = []
    for u in items:
        if (
            out
            and out[-1].end == u.start
            and out[-1].need == u.need
            and out[-1].staffed == u.staffed
            and out[-1].services == u.services
            and out[-1].missing == u.missing
        ):
            prev = out[-1]
            out[-1] = Uncovered(prev.start, u.end, u.need, u.staffed, u.services, u.missing)
        else:
            out.append(u)
    return out
