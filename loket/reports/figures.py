"""The figures of a report, over any period, from data without personal details.

Sources, and why the privacy purge changes no figure:

- ``ticket``: day, branch, service, kind, status, issue/wait/call/finish times,
  ``printed``. The purge only blanks ``transfer_note`` (never read here).
- ``event``: the first ``ticket.called`` of a ticket that was transferred (a transfer
  restarts ``ticket.wait_from``; the event keeps the wait at the first call). The
  event log holds no personal data by design.
- ``appointment``: channel, follow-up link, branch, service, start, status and
  ``created_at``. The purge blanks name, e-mail, phone and notes (deferred columns,
  never selected here).
- ``feedback``: the score and the three smiley ratings. The purge blanks the comment.

Definitions (the same as the live monitor, ``loket.monitor``):

- Wait: from the ticket (walk-in) or from the later of check-in and appointment time
  (appointment) until the first call.
- On time: called with a wait of at most the norm. A visitor never called who left (or
  was still waiting) after a wait longer than the norm is a miss; the share on time is
  ``on time / (called + such misses)``.
- Percentiles (P50, P90, P95) by the nearest-rank method over the waits of the called
  visitors: the smallest wait such that at least p% waited as long or shorter.
- Walked out: cancelled, or still waiting when its day was over, without being served.
- Kinds of visit: walk-in; appointment; late ("let in"): an appointment that checked
  in after the late window and was helped as a walk-in.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter as Tally
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    case,
    cast,
    extract,
    func,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from loket import tickets
from loket.errors import Refused
from loket.models import (
    Appointment,
    AppointmentStatus,
    Branch,
    Event,
    Feedback,
    Service,
    Ticket,
    TicketKind,
    TicketStatus,
)

# Until the municipality's settings hold their own (see loket/reports/targets).
DEFAULT_TARGET_SHARE = 0.95
DEFAULT_SATISFACTION_TARGET = 7.5
MAX_DAYS = 3 * 366 + 1
GROUP_KEYS = ("walk_in", "appointment", "late")
CHANNEL_KEYS = ("online", "phone", "counter", "counter_follow_up", "import")
SUB_SCORE_KEYS = ("friendliness", "speed", "expertise")
OPEN = (TicketStatus.WAITING, TicketStatus.PARKED)


@dataclass(frozen=True)
class TargetOverride:
    norm_minutes: int | None = None
    target_share: float | None = None
    satisfaction: float | None = None


@dataclass(frozen=True)
class Targets:
    """The municipality's targets, optionally overridden per service point and service.

    A service's override beats its service point's, which beats the municipality's."""

    norm_minutes: int = 5
    target_share: float = DEFAULT_TARGET_SHARE
    satisfaction: float = DEFAULT_SATISFACTION_TARGET
    branches: Mapping[str, TargetOverride] = field(default_factory=dict)
    services: Mapping[str, TargetOverride] = field(default_factory=dict)

    def _pick(self, attr: str, branch: str | None, service: str | None) -> float:
        for scope, key in ((self.services, service), (self.branches, branch)):
            override = scope.get(key) if key else None
            value = getattr(override, attr) if override else None
            if value is not None:
                return float(value)
        return float(getattr(self, attr))

    def norm_for(self, branch: str | None = None, service: str | None = None) -> int:
        return int(self._pick("norm_minutes", branch, service))

    def share_for(self, branch: str | None = None, service: str | None = None) -> float:
        return self._pick("target_share", branch, service)

    def satisfaction_for(self, branch: str | None = None, service: str | None = None) -> float:
        return self._pick("satisfaction", branch, service)


@dataclass(frozen=True)
class ReportRequest:
    start: date
    end: date  # inclusive
    branch: str | None = None
    service: str | None = None

    def year_before(self) -> ReportRequest:
        return replace(self, start=_year_before(self.start), end=_year_before(self.end))


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Row:
    """The waiting figures of one slice (a branch, a service, a weekday, ...)."""

    key: str
    visitors: int
    served: int
    walked_out: int
    called: int
    within_norm: int
    missed_uncalled: int  # never called, waited longer than the norm
    p50_minutes: float | None
    p90_minutes: float | None
    p95_minutes: float | None
    ratings: int
    mean_score: float | None
    target_share: float

    @property
    def share_within_norm(self) -> float | None:
        total = self.called + self.missed_uncalled
        return self.within_norm / total if total else None

    @property
    def target_met(self) -> bool | None:
        share = self.share_within_norm
        return None if share is None else share >= self.target_share


@dataclass(frozen=True)
class SubScore:
    key: str
    count: int
    mean: float | None


@dataclass(frozen=True)
class Satisfaction:
    ratings: int
    mean: float | None
    median: float | None
    modes: tuple[int, ...]  # the most given score(s); several on a tie
    target: float
    sub_scores: tuple[SubScore, ...]
    distribution: tuple[int, ...]  # how often 1..10 was given

    @property
    def target_met(self) -> bool | None:
        return None if self.mean is None else self.mean >= self.target


@dataclass(frozen=True)
class ChannelCount:
    key: str
    appointments: int


@dataclass(frozen=True)
class Figures:
    """Everything a report shows for one period (a year earlier is a second one)."""

    start: date
    end: date
    norm_minutes: int
    total: Row
    groups: tuple[Row, ...]
    no_show_called: int
    no_show_appointments: int
    channels: tuple[ChannelCount, ...]
    by_branch: tuple[Row, ...]
    by_service: tuple[Row, ...]
    by_weekday: tuple[Row, ...]
    by_hour: tuple[Row, ...]
    by_week: tuple[Row, ...]
    satisfaction: Satisfaction
    printed: int
    screen_only: int

    @property
    def has_data(self) -> bool:
        return bool(
            self.total.visitors
            or self.satisfaction.ratings
            or sum(c.appointments for c in self.channels)
        )


@dataclass(frozen=True)
class Report:
    municipality: str
    request: ReportRequest
    branch_name: str | None
    service_name: str | None
    generated_at: datetime
    targets: Targets
    current: Figures
    previous: Figures | None  # the same period a year earlier, when there is data
    branch_names: Mapping[str, str]
    service_names: Mapping[str, str]
    service_names_en: Mapping[str, str]


# -- computing ----------------------------------------------------------------------


class _Acc:
    """Running totals of one slice while the rows stream by."""

    __slots__ = ("visitors", "served", "walked_out", "within", "missed", "waits", "scores")

    def __init__(self) -> None:
        self.visitors = self.served = self.walked_out = self.within = self.missed = 0
        self.waits: list[int] = []
        self.scores: list[int] = []

    def row(self, key: str, target_share: float) -> Row:
        waits = sorted(self.waits)
        return Row(
            key=key,
            visitors=self.visitors,
            served=self.served,
            walked_out=self.walked_out,
            called=len(waits),
            within_norm=self.within,
            missed_uncalled=self.missed,
            p50_minutes=_minutes(nearest_rank(waits, 50)),
            p90_minutes=_minutes(nearest_rank(waits, 90)),
            p95_minutes=_minutes(nearest_rank(waits, 95)),
            ratings=len(self.scores),
            mean_score=round(statistics.fmean(self.scores), 2) if self.scores else None,
            target_share=target_share,
        )


def nearest_rank(sorted_values: list[int], p: float) -> int | None:
    """The p-th percentile by nearest rank: the value at rank ceil(p/100 * n)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _week(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _seconds(dialect: str, later: Any, earlier: Any) -> Any:
    """Whole seconds between two timestamps, computed by the database (exact)."""
    if dialect == "postgresql":
        return cast(extract("epoch", later - earlier), Integer)
    return cast(func.strftime("%s", later), Integer) - cast(func.strftime("%s", earlier), Integer)


def _hour(dialect: str, moment: Any) -> Any:
    if dialect == "postgresql":
        return cast(extract("hour", moment), Integer)
    return cast(func.strftime("%H", moment), Integer)


SLICES = ("by_branch", "by_service", "by_weekday", "by_hour", "by_week")


def figures(session: Session, request: ReportRequest, targets: Targets, now: datetime) -> Figures:
    """The figures of one period. Waits are computed in the database and the rows are
    folded into running totals as they stream, so a year takes well under a second."""
    start, end = request.start, request.end
    first, after = datetime.combine(start, time.min), datetime.combine(end + timedelta(1), time.min)
    dialect = session.get_bind().dialect.name
    branches = {b.id: b.code for b in session.scalars(select(Branch))}
    services = {s.id: s.code for s in session.scalars(select(Service))}
    branch_id = next((i for i, c in branches.items() if c == request.branch), None)
    service_id = next((i for i, c in services.items() if c == request.service), None)
    conn = session.connection()
    T, E, A, F = (m.__table__.c for m in (Ticket, Event, Appointment, Feedback))  # noqa: N806

    waited = case(
        (T.first_called_at.is_not(None), _seconds(dialect, T.first_called_at, T.wait_from))
    )
    # Never called: how long until they left (cancelled) or until now (still open).
    uncalled = case(
        (
            T.first_called_at.is_(None),
            _seconds(dialect, func.coalesce(T.finished_at, literal(now, DateTime)), T.wait_from),
        )
    )
    t = select(
        T.id,
        T.branch_id,
        T.service_id,
        # Plain values (no per-row type conversion): a year is some 30,000 rows.
        type_coerce(T.day, String()),
        _hour(dialect, T.issued_at),
        type_coerce(T.kind, String()),
        T.appointment_id.is_not(None),
        type_coerce(T.status, String()),
        waited,
        uncalled,
        T.printed,
    ).where(T.day >= start, T.day <= end)
    moved = select(E.ticket_id, E.data).where(
        E.at >= first, E.at < after, E.kind == "ticket.transferred"
    )
    a = select(A.channel, A.follow_up_of_id.is_not(None)).where(
        A.created_at >= first, A.created_at < after
    )
    missed = (
        select(func.count())
        .select_from(Appointment.__table__)
        .where(A.start >= first, A.start < after, A.status == AppointmentStatus.NO_SHOW)
    )
    f = select(
        F.branch_id,
        F.service_id,
        F.at,
        F.score,
        F.friendliness,
        F.speed,
        F.expertise,
    ).where(F.at >= first, F.at < after)
    if branch_id is not None:
        t = t.where(T.branch_id == branch_id)
        moved = moved.where(E.branch_id == branch_id)
        a = a.where(A.branch_id == branch_id)
        missed = missed.where(A.branch_id == branch_id)
        f = f.where(F.branch_id == branch_id)
    if service_id is not None:
        t = t.where(T.service_id == service_id)
        a = a.where(A.service_id == service_id)
        missed = missed.where(A.service_id == service_id)
        f = f.where(F.service_id == service_id)

    # A transfer restarts wait_from; for those few tickets the wait at the first call is
    # in the event log (the figure the monitor uses).
    transferred = {r.ticket_id for r in conn.execute(moved).all()}
    first_wait: dict[int, int] = {}
    if transferred:
        calls = conn.execute(
            select(E.ticket_id, E.data)
            .where(E.kind == "ticket.called", E.ticket_id.in_(transferred))
            .order_by(E.id)
        )
        for ticket, data in calls.all():
            if ticket not in first_wait:
                first_wait[ticket] = int((data or {}).get("waited_seconds", 0) or 0)

    total, groups = _Acc(), {k: _Acc() for k in GROUP_KEYS}
    slices: dict[str, dict[str, _Acc]] = {k: defaultdict(_Acc) for k in SLICES}
    norms: dict[tuple[int, int], int] = {}
    day_keys: dict[date | str, tuple[str, str, bool]] = {}
    today = now.date()
    printed = 0
    appointment_kind = TicketKind.APPOINTMENT.value
    cancelled, done, no_show = (
        TicketStatus.CANCELLED.value,
        TicketStatus.DONE.value,
        TicketStatus.NO_SHOW.value,
    )
    still_open = {s.value for s in OPEN}
    no_shows = 0
    for (
        tid,
        b_id,
        s_id,
        day,
        hour,
        kind,
        has_appt,
        status,
        wait,
        since,
        was_printed,
    ) in conn.execute(t).all():
        norm = norms.get((b_id, s_id))
        if norm is None:
            norm = norms[(b_id, s_id)] = targets.norm_for(branches[b_id], services[s_id]) * 60
        if tid in first_wait:
            wait = first_wait[tid]
        if wait is not None:
            wait = max(0, int(wait))
        keys = day_keys.get(day)
        if keys is None:
            real = day if isinstance(day, date) else date.fromisoformat(day)
            keys = day_keys[day] = (str(real.weekday()), _week(real), real < today)
        is_open = status in still_open
        walked = status == cancelled or (is_open and keys[2])
        miss = (
            wait is None
            and since is not None
            and ((status == cancelled and since > norm) or (is_open and (keys[2] or since > norm)))
        )
        group = "appointment" if kind == appointment_kind else ("late" if has_appt else "walk_in")
        for acc in (
            total,
            groups[group],
            slices["by_branch"][branches[b_id]],
            slices["by_service"][services[s_id]],
            slices["by_weekday"][keys[0]],
            slices["by_hour"][f"{hour:02d}"],
            slices["by_week"][keys[1]],
        ):
            acc.visitors += 1
            if status == done:
                acc.served += 1
            if walked:
                acc.walked_out += 1
            if wait is not None:
                acc.waits.append(wait)
                if wait <= norm:
                    acc.within += 1
            elif miss:
                acc.missed += 1
        printed += bool(was_printed)
        no_shows += status == no_show

    scores: list[int] = []
    subs: dict[str, list[int]] = {k: [] for k in SUB_SCORE_KEYS}
    for b_id, s_id, at, score, friendly, speed, expertise in conn.execute(f).all():
        day = at.date()
        keys = day_keys.get(day) or (str(day.weekday()), _week(day), day < today)
        service = services[s_id] if s_id is not None else ""
        for slice_key, key in (
            ("by_branch", branches[b_id]),
            ("by_service", service),
            ("by_weekday", keys[0]),
            ("by_hour", f"{at.hour:02d}"),
            ("by_week", keys[1]),
        ):
            slices[slice_key][key].scores.append(score)
        total.scores.append(score)
        scores.append(score)
        for name, value in zip(SUB_SCORE_KEYS, (friendly, speed, expertise), strict=True):
            if value is not None:
                subs[name].append(value)

    channel_tally: Tally[str] = Tally()
    for channel, follow_up in conn.execute(a).all():
        channel_tally["counter_follow_up" if follow_up else channel] += 1
    channels = [ChannelCount(k, channel_tally.pop(k, 0)) for k in CHANNEL_KEYS]
    channels += [ChannelCount(k, n) for k, n in sorted(channel_tally.items())]

    share = targets.share_for(request.branch, request.service)
    share_of: dict[str, Callable[[str], float]] = {
        "by_branch": lambda b: targets.share_for(b, request.service),
        "by_service": lambda s: targets.share_for(request.branch, s),
    }
    orders: dict[str, list[str]] = {
        "by_weekday": [str(d) for d in range(7)],
        "by_hour": [f"{h:02d}" for h in range(24)],
    }
    rows: dict[str, tuple[Row, ...]] = {}
    for name, accs in slices.items():
        target = share_of.get(name, lambda _k: share)
        order = orders.get(name) or sorted(accs)
        rows[name] = tuple(accs[k].row(k, target(k)) for k in order if k in accs)
    tally = Tally(scores)
    return Figures(
        start=start,
        end=end,
        norm_minutes=targets.norm_for(request.branch, request.service),
        total=total.row("total", share),
        groups=tuple(groups[k].row(k, share) for k in GROUP_KEYS if groups[k].visitors),
        no_show_called=no_shows,
        no_show_appointments=int(conn.execute(missed).scalar_one()),
        channels=tuple(channels),
        by_branch=rows["by_branch"],
        by_service=rows["by_service"],
        by_weekday=rows["by_weekday"],
        by_hour=rows["by_hour"],
        by_week=rows["by_week"],
        satisfaction=Satisfaction(
            ratings=len(scores),
            mean=round(statistics.fmean(scores), 2) if scores else None,
            median=float(statistics.median(scores)) if scores else None,
            modes=tuple(sorted(statistics.multimode(scores))) if scores else (),
            target=targets.satisfaction_for(request.branch, request.service),
            sub_scores=tuple(
                SubScore(k, len(v), round(statistics.fmean(v), 2) if v else None)
                for k, v in subs.items()
            ),
            distribution=tuple(tally.get(i, 0) for i in range(1, 11)),
        ),
        printed=printed,
        screen_only=sum(a.visitors for a in groups.values()) - printed,
    )


def check_request(session: Session, request: ReportRequest) -> None:
    if request.end < request.start:
        raise Refused(
            f"De einddatum ({request.end:%d-%m-%Y}) ligt voor de begindatum "
            f"({request.start:%d-%m-%Y}). Draai ze om.",
            code="report_period",
        )
    if (request.end - request.start).days > MAX_DAYS:
        raise Refused(
            "Een rapportage gaat over hoogstens drie jaar. Kies een kortere periode.",
            code="report_period",
        )
    if request.branch:
        tickets.get_branch(session, request.branch)
    if request.service:
        tickets.get_service(session, request.service)


def build_report(
    session: Session, request: ReportRequest, targets: Targets, now: datetime
) -> Report:
    check_request(session, request)
    current = figures(session, request, targets, now)
    earlier = figures(session, request.year_before(), targets, now)
    branches = {b.code: b.name for b in session.scalars(select(Branch).order_by(Branch.id))}
    services = list(session.scalars(select(Service).order_by(Service.prefix)))
    return Report(
        municipality=tickets.settings(session).name,
        request=request,
        branch_name=branches.get(request.branch or ""),
        service_name=next((s.name_nl for s in services if s.code == request.service), None),
        generated_at=now,
        targets=targets,
        current=current,
        previous=earlier if earlier.has_data else None,
        branch_names=branches,
        service_names={s.code: s.name_nl for s in services},
        service_names_en={s.code: s.name("en") for s in services},
    )
