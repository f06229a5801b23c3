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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import queue
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
        return bool(self.total.visitors or self.satisfaction.ratings or sum(
            c.appointments for c in self.channels))  # fmt: skip


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


@dataclass
class _Visit:
    branch: str
    service: str
    day: date
    hour: int
    group: str
    visitor: bool = True
    served: bool = False
    walked_out: bool = False
    wait: int | None = None  # seconds until the first call
    missed_uncalled: bool = False
    no_show: bool = False
    printed: bool = False
    norm: int = 300


@dataclass
class _Rating:
    branch: str
    service: str
    day: date
    hour: int
    score: int
    subs: dict[str, int | None]


def nearest_rank(sorted_values: list[int], p: float) -> int | None:
    """The p-th percentile by nearest rank: the value at rank ceil(p/100 * n)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _row(key: str, visits: list[_Visit], ratings: list[_Rating], target_share: float) -> Row:
    waits = sorted(v.wait for v in visits if v.wait is not None)
    scores = [r.score for r in ratings]
    return Row(
        key=key,
        visitors=len(visits),
        served=sum(v.served for v in visits),
        walked_out=sum(v.walked_out for v in visits),
        called=len(waits),
        within_norm=sum(1 for v in visits if v.wait is not None and v.wait <= v.norm),
        missed_uncalled=sum(v.missed_uncalled for v in visits),
        p50_minutes=_minutes(nearest_rank(waits, 50)),
        p90_minutes=_minutes(nearest_rank(waits, 90)),
        p95_minutes=_minutes(nearest_rank(waits, 95)),
        ratings=len(scores),
        mean_score=round(statistics.fmean(scores), 2) if scores else None,
        target_share=target_share,
    )


def _split(
    visits: list[_Visit],
    ratings: list[_Rating],
    key: Callable[[_Visit | _Rating], str],
    order: Iterable[str] | None = None,
    target: Callable[[str], float] | None = None,
    default_share: float = DEFAULT_TARGET_SHARE,
) -> tuple[Row, ...]:
    v_by: dict[str, list[_Visit]] = defaultdict(list)
    r_by: dict[str, list[_Rating]] = defaultdict(list)
    for v in visits:
        v_by[key(v)].append(v)
    for r in ratings:
        r_by[key(r)].append(r)
    keys = list(order) if order is not None else sorted(set(v_by) | set(r_by))
    return tuple(
        _row(k, v_by.get(k, []), r_by.get(k, []), target(k) if target else default_share)
        for k in keys
        if k in v_by or k in r_by
    )


def _satisfaction(ratings: list[_Rating], target: float) -> Satisfaction:
    scores = [r.score for r in ratings]
    subs = []
    for name in SUB_SCORE_KEYS:
        given = [x for r in ratings if (x := r.subs.get(name)) is not None]
        subs.append(
            SubScore(name, len(given), round(statistics.fmean(given), 2) if given else None)
        )
    tally = Tally(scores)
    return Satisfaction(
        ratings=len(scores),
        mean=round(statistics.fmean(scores), 2) if scores else None,
        median=float(statistics.median(scores)) if scores else None,
        modes=tuple(sorted(statistics.multimode(scores))) if scores else (),
        target=target,
        sub_scores=tuple(subs),
        distribution=tuple(tally.get(s, 0) for s in range(1, 11)),
    )


def _week(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def figures(
    session: Session, request: ReportRequest, targets: Targets, now: datetime
) -> Figures:
    start, end = request.start, request.end
    first, after = datetime.combine(start, time.min), datetime.combine(end + timedelta(1), time.min)
    branches = {b.id: b.code for b in session.scalars(select(Branch))}
    services = {s.id: s.code for s in session.scalars(select(Service))}
    branch_id = next((i for i, c in branches.items() if c == request.branch), None)
    service_id = next((i for i, c in services.items() if c == request.service), None)

    t = select(
        Ticket.id, Ticket.branch_id, Ticket.service_id, Ticket.day, Ticket.kind,
        Ticket.status, Ticket.issued_at, Ticket.wait_from, Ticket.first_called_at,
        Ticket.finished_at, Ticket.appointment_id, Ticket.printed,
    ).where(Ticket.day >= start, Ticket.day <= end)  # fmt: skip
    moved = select(Event.ticket_id, Event.id, Event.kind, Event.data).where(
        Event.at >= first,
        Event.at < after,
        Event.kind.in_(("ticket.transferred", "ticket.called")),
    )
    a = select(
        Appointment.channel, Appointment.follow_up_of_id, Appointment.branch_id,
        Appointment.service_id,
    ).where(Appointment.created_at >= first, Appointment.created_at < after)  # fmt: skip
    missed = select(Appointment.id).where(
        Appointment.start >= first,
        Appointment.start < after,
        Appointment.status == AppointmentStatus.NO_SHOW,
    )
    f = select(
        Feedback.branch_id, Feedback.service_id, Feedback.at, Feedback.score,
        Feedback.friendliness, Feedback.speed, Feedback.expertise,
    ).where(Feedback.at >= first, Feedback.at < after)  # fmt: skip
    if branch_id is not None:
        t = t.where(Ticket.branch_id == branch_id)
        moved = moved.where(Event.branch_id == branch_id)
        a = a.where(Appointment.branch_id == branch_id)
        missed = missed.where(Appointment.branch_id == branch_id)
        f = f.where(Feedback.branch_id == branch_id)
    if service_id is not None:
        t = t.where(Ticket.service_id == service_id)
        a = a.where(Appointment.service_id == service_id)
        missed = missed.where(Appointment.service_id == service_id)
        f = f.where(Feedback.service_id == service_id)

    tickets = session.execute(t).all()
    # A transfer restarts wait_from; for those tickets the wait at the first call is in
    # the event log (the same figure the monitor uses). A transfer follows a call, so
    # both events fall after the ticket's day began.
    transferred = {
        e.ticket_id
        for e in session.execute(moved.where(Event.kind == "ticket.transferred")).all()
    }
    first_wait: dict[int, int] = {}
    if transferred:
        calls = session.execute(
            moved.where(Event.kind == "ticket.called", Event.ticket_id.in_(transferred))
            .order_by(Event.id)
        ).all()  # fmt: skip
        for e in calls:
            if e.ticket_id not in first_wait:
                first_wait[e.ticket_id] = int((e.data or {}).get("waited_seconds", 0) or 0)

    visits: list[_Visit] = []
    today = now.date()
    for r in tickets:
        branch, service = branches[r.branch_id], services[r.service_id]
        norm = targets.norm_for(branch, service) * 60
        if r.kind is TicketKind.APPOINTMENT:
            group = "appointment"
        else:
            group = "late" if r.appointment_id is not None else "walk_in"
        wait: int | None = None
        if r.first_called_at is not None:
            wait = first_wait.get(r.id)
            if wait is None:
                wait = max(0, int((r.first_called_at - r.wait_from).total_seconds()))
        walked_out = r.status is TicketStatus.CANCELLED or (
            r.status in OPEN and r.day < today
        )
        missed_uncalled = False
        if wait is None:
            if r.status is TicketStatus.CANCELLED and r.finished_at is not None:
                missed_uncalled = (r.finished_at - r.wait_from).total_seconds() > norm
            elif r.status in OPEN:
                # Still waiting at the end of its day: it has waited too long. Today: so far.
                missed_uncalled = r.day < today or (now - r.wait_from).total_seconds() > norm
        visits.append(
            _Visit(
                branch=branch,
                service=service,
                day=r.day,
                hour=r.issued_at.hour,
                group=group,
                served=r.status is TicketStatus.DONE,
                walked_out=walked_out,
                wait=wait,
                missed_uncalled=missed_uncalled,
                no_show=r.status is TicketStatus.NO_SHOW,
                printed=bool(r.printed),
                norm=norm,
            )
        )

    ratings = [
        _Rating(
            branch=branches[r.branch_id],
            service=services[r.service_id] if r.service_id is not None else "",
            day=r.at.date(),
            hour=r.at.hour,
            score=r.score,
            subs={"friendliness": r.friendliness, "speed": r.speed, "expertise": r.expertise},
        )
        for r in session.execute(f).all()
    ]
    channel_tally: Tally[str] = Tally()
    for r in session.execute(a).all():
        channel_tally["counter_follow_up" if r.follow_up_of_id else r.channel] += 1
    channels = [ChannelCount(k, channel_tally.pop(k, 0)) for k in CHANNEL_KEYS]
    channels += [ChannelCount(k, n) for k, n in sorted(channel_tally.items())]

    share = targets.share_for(request.branch, request.service)
    every = _row("total", visits, ratings, share)
    return Figures(
        start=start,
        end=end,
        norm_minutes=targets.norm_for(request.branch, request.service),
        total=every,
        groups=_split(visits, [], lambda v: getattr(v, "group", ""), GROUP_KEYS,
                      default_share=share),  # fmt: skip
        no_show_called=sum(v.no_show for v in visits),
        no_show_appointments=len(session.execute(missed).all()),
        channels=tuple(channels),
        by_branch=_split(visits, ratings, lambda x: x.branch,
                         target=lambda b: targets.share_for(b, request.service)),  # fmt: skip
        by_service=_split(visits, ratings, lambda x: x.service,
                          target=lambda s: targets.share_for(request.branch, s)),  # fmt: skip
        by_weekday=_split(visits, ratings, lambda x: str(x.day.weekday()),
                          [str(d) for d in range(7)], default_share=share),  # fmt: skip
        by_hour=_split(visits, ratings, lambda x: f"{x.hour:02d}",
                       [f"{h:02d}" for h in range(24)], default_share=share),  # fmt: skip
        by_week=_split(visits, ratings, lambda x: _week(x.day), default_share=share),
        satisfaction=_satisfaction(
            ratings, targets.satisfaction_for(request.branch, request.service)
        ),
        printed=sum(v.printed for v in visits),
        screen_only=sum(not v.printed for v in visits),
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
        queue.get_branch(session, request.branch)
    if request.service:
        queue.get_service(session, request.service)


def build_report(
    session: Session, request: ReportRequest, targets: Targets, now: datetime
) -> Report:
    check_request(session, request)
    current = figures(session, request, targets, now)
    earlier = figures(session, request.year_before(), targets, now)
    branches = {b.code: b.name for b in session.scalars(select(Branch).order_by(Branch.id))}
    services = list(session.scalars(select(Service).order_by(Service.prefix)))
    return Report(
        municipality=queue.settings(session).name,
        request=request,
        branch_name=branches.get(request.branch or ""),
        service_name=next((s.name_nl for s in services if s.code == request.service), None),
        generated_at=now,
        targets=targets,
        current=current,
        previous=earlier if earlier.has_data else None,
        branch_names=branches,
        service_names={s.code: s.name_nl for s in services},
        service_names_en={s.code: s.name_en for s in services},
    )
