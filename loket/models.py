"""The domain model, stored with SQLAlchemy 2 (typed ``Mapped`` columns).

Personal data of residents lives only in ``Appointment`` (name, e-mail, phone,
notes) and ``Feedback.comment``; the event log never holds any (privacy by design).
Times are naive local wall-clock (docs/architecture.md, "Time").
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from loket.config_schema import declared

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Deferred group of the columns that hold residents' personal data.
PERSONAL = "personal"
# Deferred group of staff-only settings a public-hall PC has no business reading
# (the mail server and its account name).
INTERNAL = "internal"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _enum(cls: type[enum.Enum]) -> Enum:
    # Store the value (readable in SQL) and not a native PG enum, so adding a state
    # later is a plain migration.
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class PeriodMode(enum.StrEnum):
    WALK_IN = "walk_in"
    APPOINTMENT = "appointment"
    MIXED = "mixed"


class TicketKind(enum.StrEnum):
    WALK_IN = "walk_in"
    APPOINTMENT = "appointment"


class TicketStatus(enum.StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    PARKED = "parked"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class AppointmentStatus(enum.StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


def _m(key: str) -> Any:
    return declared("municipality", key)


class Municipality(Base):
    """The single row of municipality-wide settings."""

    __tablename__ = "municipality"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Defaults come from the declarations in loket/config_schema.py (one place).
    wait_norm_minutes: Mapped[int] = mapped_column(Integer, default=_m("wait_norm_minutes"))
    max_calls: Mapped[int] = mapped_column(Integer, default=_m("max_calls"))
    early_checkin_minutes: Mapped[int] = mapped_column(Integer, default=_m("early_checkin_minutes"))
    late_minutes: Mapped[int] = mapped_column(Integer, default=_m("late_minutes"))
    purge_after_days: Mapped[int] = mapped_column(Integer, default=_m("purge_after_days"))
    # Texts from the file per language ({"nl": ..., "de": ...}; loket.views.language.pick).
    info_line_text: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    # The languages the public screens offer; Dutch always first.
    languages: Mapped[list[str]] = mapped_column(
        JSON, default=lambda: ["nl", "en"], server_default='["nl", "en"]'
    )
    # How to cancel an appointment (letters, e-mails).
    phone: Mapped[str] = mapped_column(String(40), default=_m("phone"), server_default="")
    website: Mapped[str] = mapped_column(String(200), default=_m("website"), server_default="")
    # The municipality's zone: every PC's clock (loket/clock.py) reads wall-clock time in it.
    time_zone: Mapped[str] = mapped_column(
        String(64), default=_m("time_zone"), server_default="Europe/Amsterdam"
    )
    dispatch_policy: Mapped[str] = mapped_column(
        String(40), default=_m("dispatch_policy"), server_default=_m("dispatch_policy")
    )
    # [smtp] of the municipality file, without the password (LOKET_SMTP_PASSWORD).
    smtp: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, nullable=True, deferred=True, deferred_group=INTERNAL
    )
    # Targets (loket/reports): the share to call within the norm and the satisfaction
    # target; branches and services may override them and the norm.
    target_share: Mapped[float] = mapped_column(
        Float, default=declared("municipality", "target_share"), server_default="0.95"
    )
    satisfaction_target: Mapped[float] = mapped_column(
        Float, default=declared("municipality", "satisfaction_target"), server_default="7.5"
    )
    # [reports] of the municipality file: who gets the monthly report (staff addresses).
    report_mail: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, nullable=True, deferred=True, deferred_group=INTERNAL
    )


class TargetOverrides:
    """Optional overrides of the municipality's targets (a branch's or a service's)."""

    wait_norm_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    target_share: Mapped[float | None] = mapped_column(Float, nullable=True)
    satisfaction_target: Mapped[float | None] = mapped_column(Float, nullable=True)


class Branch(TargetOverrides, Base):
    __tablename__ = "branch"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(200), default=declared("branches", "address"))
    # Where to wait, per language ({"nl": "de wachtruimte in de hal", "en": ...}).
    wait_area_text: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    public_holidays: Mapped[bool] = mapped_column(
        Boolean, default=declared("branches", "public_holidays")
    )

    periods: Mapped[list[OpeningPeriod]] = relationship(
        back_populates="branch", cascade="all, delete-orphan", order_by="OpeningPeriod.start"
    )

    @property
    def wait_area(self) -> str:
        """Where to wait, in Dutch (staff screens)."""
        return (self.wait_area_text or {}).get("nl", "")

    exceptions: Mapped[list[DayException]] = relationship(
        back_populates="branch", cascade="all, delete-orphan"
    )
    counters: Mapped[list[Counter]] = relationship(
        back_populates="branch", cascade="all, delete-orphan", order_by="Counter.number"
    )


class OpeningPeriod(Base):
    """A weekly opening period: weekday 0 = Monday."""

    __tablename__ = "opening_period"
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)
    mode: Mapped[PeriodMode] = mapped_column(_enum(PeriodMode))
    branch: Mapped[Branch] = relationship(back_populates="periods")


class DayException(Base):
    """A closure (no periods) or an extra session on one date; replaces the weekly hours."""

    __tablename__ = "day_exception"
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    start: Mapped[time | None] = mapped_column(Time, nullable=True)
    end: Mapped[time | None] = mapped_column(Time, nullable=True)
    mode: Mapped[PeriodMode | None] = mapped_column(_enum(PeriodMode), nullable=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    # "config": from the municipality file (replaced by each apply); "desk": entered at
    # reception, left alone by apply.
    source: Mapped[str] = mapped_column(String(10), default="config", server_default="config")
    branch: Mapped[Branch] = relationship(back_populates="exceptions")


class Service(TargetOverrides, Base):
    __tablename__ = "service"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    # Name and "what to bring" per language ({"nl": ..., "en": ...}); Dutch always there.
    name_text: Mapped[dict[str, str]] = mapped_column(JSON, server_default="{}")
    prefix: Mapped[str] = mapped_column(String(2))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    bring_text: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    icon: Mapped[str] = mapped_column(String(40), default=declared("services", "icon"))
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def name_nl(self) -> str:
        """The Dutch name: what staff screens, reports and the core's messages use."""
        return (self.name_text or {}).get("nl", "")

    @property
    def bring_nl(self) -> str:
        return (self.bring_text or {}).get("nl", "")

    def name(self, language: str = "nl") -> str:
        texts = self.name_text or {}
        return texts.get(language) or texts.get("nl", "")


class BranchService(Base):
    """Which services a branch offers, and how they may be requested there."""

    __tablename__ = "branch_service"
    branch_id: Mapped[int] = mapped_column(
        ForeignKey("branch.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )
    walk_in: Mapped[bool] = mapped_column(Boolean, default=True)
    appointment: Mapped[bool] = mapped_column(Boolean, default=True)


class Counter(Base):
    __tablename__ = "counter"
    __table_args__ = (UniqueConstraint("branch_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(60), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    branch: Mapped[Branch] = relationship(back_populates="counters")
    services: Mapped[list[Service]] = relationship(secondary="counter_service")


class CounterService(Base):
    __tablename__ = "counter_service"
    counter_id: Mapped[int] = mapped_column(
        ForeignKey("counter.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    pin_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    card_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    skills: Mapped[list[StaffSkill]] = relationship(
        back_populates="staff", cascade="all, delete-orphan"
    )


class StaffSkill(Base):
    """A service a staff member may serve; speed 1.0 is the service's expected duration."""

    __tablename__ = "staff_skill"
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )
    speed: Mapped[float] = mapped_column(Float, default=1.0)
    staff: Mapped[Staff] = relationship(back_populates="skills")
    service: Mapped[Service] = relationship()


class Appointment(Base):
    __tablename__ = "appointment"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    start: Mapped[datetime] = mapped_column(DateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[AppointmentStatus] = mapped_column(
        _enum(AppointmentStatus), default=AppointmentStatus.BOOKED
    )
    channel: Mapped[str] = mapped_column(String(20), default="counter")
    # The language the letter, e-mail and .ics are written in (loket.confirmations).
    language: Mapped[str] = mapped_column(String(8), default="nl", server_default="nl")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    call_by_name: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_assistance: Mapped[bool] = mapped_column(Boolean, default=False)
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"), nullable=True)
    # Personal data: removed by the privacy purge, never copied into events or logs.
    # Deferred (ORM only, the schema is unchanged): loading an appointment does not
    # select them, so the kiosk's and display's PostgreSQL roles, which have no
    # SELECT on these columns (loket/db_roles.py), can still load and check in
    # appointments. The first touch loads all four in one query.
    name: Mapped[str | None] = mapped_column(
        String(120), nullable=True, deferred=True, deferred_group=PERSONAL
    )
    email: Mapped[str | None] = mapped_column(
        String(200), nullable=True, deferred=True, deferred_group=PERSONAL
    )
    phone: Mapped[str | None] = mapped_column(
        String(40), nullable=True, deferred=True, deferred_group=PERSONAL
    )
    notes: Mapped[str | None] = mapped_column(
        Text, nullable=True, deferred=True, deferred_group=PERSONAL
    )
    purged_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    branch: Mapped[Branch] = relationship()
    service: Mapped[Service] = relationship()


class Ticket(Base):
    """One visit in the queue."""

    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("branch_id", "day", "prefix", "sequence"),
        # The head of each service's queue for "call next" (loket.clerk_sql, 0012).
        Index("ix_ticket_queue", "branch_id", "day", "status", "service_id", "wait_from"),
        # The appointments among them, for the heads "due longest" and "due soonest"
        # (0015): without it those read every waiting walk-in of the service.
        Index(
            "ix_ticket_appointments",
            "branch_id",
            "day",
            "status",
            "service_id",
            "appointment_at",
            postgresql_where=text("kind = 'appointment'"),
            sqlite_where=text("kind = 'appointment'"),
        ),
        # A counter holds one ticket at a time: the database says so, whatever the
        # snapshot a concurrent "call next" read (loket.clerk_sql, 0015).
        Index(
            "uq_ticket_counter_holds_one",
            "counter_id",
            "day",
            unique=True,
            postgresql_where=text("status IN ('called', 'serving')"),
            sqlite_where=text("status IN ('called', 'serving')"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    day: Mapped[date] = mapped_column(Date, index=True)
    prefix: Mapped[str] = mapped_column(String(2))
    sequence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[TicketKind] = mapped_column(_enum(TicketKind))
    status: Mapped[TicketStatus] = mapped_column(_enum(TicketStatus), index=True)
    # The language the visitor chose at the kiosk: the spoken call uses it.
    language: Mapped[str] = mapped_column(String(8), default="nl", server_default="nl")
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    # When the wait starts counting: issue (walk-in) or the later of check-in and
    # appointment time (appointment).
    wait_from: Mapped[datetime] = mapped_column(DateTime)
    appointment_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    first_called_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_called_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"), nullable=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    target_counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"), nullable=True)
    call_count: Mapped[int] = mapped_column(Integer, default=0)
    predicted_wait_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    needs_assistance: Mapped[bool] = mapped_column(Boolean, default=False)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"), nullable=True)
    # A colleague's free text (it can hold a name): personal, so deferred like the
    # appointment's contact data and withheld from the public-hall PCs' roles.
    transfer_note: Mapped[str | None] = mapped_column(
        Text, nullable=True, deferred=True, deferred_group=PERSONAL
    )
    printed: Mapped[bool] = mapped_column(Boolean, default=False)

    service: Mapped[Service] = relationship()
    branch: Mapped[Branch] = relationship()
    counter: Mapped[Counter | None] = relationship(foreign_keys=[counter_id])
    appointment: Mapped[Appointment | None] = relationship()

    @property
    def number(self) -> str:
        """The number as printed and shown: prefix and sequence, e.g. "A 12"."""
        return f"{self.prefix} {self.sequence}"


class CodeThrottle(Base):
    """Failed code attempts per kiosk ("kiosk:<name>") and per branch ("branch:<id>"),
    so a restart or a second process does not forget them (loket/throttle.py)."""

    __tablename__ = "code_throttle"
    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_at: Mapped[datetime] = mapped_column(DateTime)
    last_at: Mapped[datetime] = mapped_column(DateTime)
    alerted: Mapped[bool] = mapped_column(Boolean, default=False)


class NumberSequence(Base):
    """Last ticket number handed out per branch, day and prefix."""

    __tablename__ = "number_sequence"
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(2), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Event(Base):
    """Append-only log of every state change: never updated, never deleted.

    ``data`` holds ids, numbers, statuses and durations only; never names or contact
    data of residents.
    """

    __tablename__ = "event"
    # Who sits at each counter, who logged out today, a ticket's events (migration 0017).
    __table_args__ = (
        Index("ix_event_counter_at", "counter_id", "at", "id"),
        Index("ix_event_kind_at", "kind", "at"),
        Index("ix_event_ticket", "ticket_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), nullable=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), nullable=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"), nullable=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"), nullable=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    workstation: Mapped[str] = mapped_column(String(60), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Feedback(Base):
    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), nullable=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    score: Mapped[int] = mapped_column(Integer)
    friendliness: Mapped[int | None] = mapped_column(Integer, nullable=True)
    speed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    expertise: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Free text of a resident: deferred like the appointment's personal data, so the
    # kiosk role can insert feedback and check "already rated" without reading it.
    comment: Mapped[str | None] = mapped_column(
        Text, nullable=True, deferred=True, deferred_group=PERSONAL
    )


class ReportMailing(Base):
    """The monthly report sent for ``month`` (its first day): the row is the claim."""

    __tablename__ = "report_mailing"
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(DateTime)
    workstation: Mapped[str] = mapped_column(String(60))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class SigningKey(Base):
    """Keys for HMACs: appointment codes ("code", rotated by key id, old keys still
    verify) and staff card fingerprints ("card")."""

    __tablename__ = "signing_key"
    purpose: Mapped[str] = mapped_column(String(20), primary_key=True)
    key_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    current: Mapped[bool] = mapped_column(Boolean, default=True)


# -- staff availability and stored plans (docs/architecture.md, "Planning") ------------


class AbsenceReason(enum.StrEnum):
    SICK = "sick"
    LEAVE = "leave"
    OTHER = "other"


class StaffContract(Base):
    """Contract hours of a colleague (per week); planning spreads them over the week."""

    __tablename__ = "staff_contract"
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    hours_per_week: Mapped[float] = mapped_column(Float, default=0.0)


class StaffServicePoint(Base):
    """A branch (service point) a colleague may work at; none listed means every one."""

    __tablename__ = "staff_service_point"
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    branch_id: Mapped[int] = mapped_column(
        ForeignKey("branch.id", ondelete="CASCADE"), primary_key=True
    )


class StaffAvailability(Base):
    """When a colleague can work on a weekday (0 = Monday); none listed means never."""

    __tablename__ = "staff_availability"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)


class StaffAbsence(Base):
    """Leave, sickness or another absence, first to last day inclusive.

    The reason is kept here for the team leader only; the event log records that an
    absence was entered, never why (sickness is health data of an employee).
    """

    __tablename__ = "staff_absence"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    reason: Mapped[AbsenceReason] = mapped_column(_enum(AbsenceReason))
    source: Mapped[str] = mapped_column(String(10), default="desk")
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class TravelTime(Base):
    """Minutes between two service points (both directions are stored)."""

    __tablename__ = "travel_time"
    from_branch_id: Mapped[int] = mapped_column(
        ForeignKey("branch.id", ondelete="CASCADE"), primary_key=True
    )
    to_branch_id: Mapped[int] = mapped_column(
        ForeignKey("branch.id", ondelete="CASCADE"), primary_key=True
    )
    minutes: Mapped[int] = mapped_column(Integer)


class ExpectedVolume(Base):
    """Walk-ins and appointments expected per day for a service at a branch on a
    weekday: the forecast before there is history."""

    __tablename__ = "expected_volume"
    branch_id: Mapped[int] = mapped_column(
        ForeignKey("branch.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    walk_ins: Mapped[float] = mapped_column(Float, default=0.0)
    appointments: Mapped[float] = mapped_column(Float, default=0.0)


class StoredPlan(Base):
    """One version of the municipality's plan for one day (every branch).

    ``coverage`` says per branch and service from when someone is rostered (no names):
    public-hall PCs read it for "nobody now, expected from 13:00". ``data`` holds the
    roster with staff codes, the capacity and the forecast: staff PCs only.
    """

    __tablename__ = "stored_plan"
    __table_args__ = (UniqueConstraint("day", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    trigger: Mapped[str] = mapped_column(String(40), default="")
    forecast_source: Mapped[str] = mapped_column(String(20), default="")
    coverage: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    data: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, deferred=True, deferred_group=INTERNAL
    )
