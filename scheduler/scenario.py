"""Scenario files (TOML) for the simulator; the format is documented in README.md."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from scheduler.demand import APPOINTMENT, DayDemand, Period, ServiceProfile, to_minute
from scheduler.roster import CounterEquipment, RosterRules, StaffAvailability
from scheduler.staffing import Target

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name: str
    prefix: str
    mean_minutes: float
    cv: float
    visitors_per_day: float
    appointment_share: float = 0.0
    profile: tuple[tuple[int, float], ...] = ()  # overrides the scenario profile

    @property
    def profile_entry(self) -> ServiceProfile:
        return ServiceProfile(self.code, self.mean_minutes, self.cv, self.name)


@dataclass(frozen=True)
class StaffSpec:
    id: str
    skills: dict[str, float]
    shifts: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    available: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    max_hours: float = 8.0
    min_hours: float = 0.0
    cost: float = 1.0

    def availability(self, weekday: str) -> StaffAvailability | None:
        windows = self.available.get(weekday, self.available.get("all"))
        if windows is not None and not windows:
            return None
        return StaffAvailability(
            id=self.id,
            skills=self.skills,
            available=windows or (),
            max_minutes=int(self.max_hours * 60),
            min_minutes=int(self.min_hours * 60),
            cost=self.cost,
        )


@dataclass(frozen=True)
class VisitorSpec:
    patience_minutes: float = 0.0  # mean walk-out patience; 0 = nobody walks out
    no_show_rate: float = 0.05
    punctuality_mean_minutes: float = -4.0  # negative: arrives early
    punctuality_sd_minutes: float = 4.0
    actual_demand_factor: float = 1.0  # walk-ins on the day vs the forecast the plan used
    refused_requests: str = (
        "walk_in"  # appointment requests without a slot: "walk_in" | "other_day"
    )


@dataclass
class Scenario:
    name: str
    description: str
    interval_minutes: int
    counters: int
    days: list[str]
    target: Target
    limit_minutes: float
    services: dict[str, ServiceSpec]
    hours: dict[str, list[Period]]
    day_factor: dict[str, float]
    profile: tuple[tuple[int, float], ...]
    visitors: VisitorSpec
    staffing: str  # "plan" or "fixed"
    staff: list[StaffSpec]
    sick: list[str] = field(default_factory=list)
    replan_sick: bool = False
    rules: RosterRules = field(default_factory=RosterRules)
    roster_time_limit_s: float = 900.0  # wall-clock safety cap only
    roster_work_limit: float = 4.0  # deterministic work limit of the solver
    verify_replications: int = 30  # simulated days per plan check (0: no check)
    equipment: list[CounterEquipment] = field(default_factory=list)
    path: Path | None = None

    def __post_init__(self) -> None:
        if not self.equipment:
            self.equipment = [CounterEquipment(i) for i in range(1, self.counters + 1)]

    @property
    def service_profiles(self) -> dict[str, ServiceProfile]:
        return {c: s.profile_entry for c, s in self.services.items()}

    def demand(self, weekday: str, factor: float = 1.0) -> DayDemand:
        """The forecast for one weekday (what the plan is made on), times ``factor``."""
        opening = self.hours[weekday]
        dt = self.interval_minutes
        probe = DayDemand(opening, self.service_profiles, interval_minutes=dt)
        n = probe.n_intervals
        walk: dict[str, list[float]] = {}
        appt: dict[str, list[float]] = {}
        vol = self.day_factor.get(weekday, 1.0) * factor
        for code, svc in self.services.items():
            profile = svc.profile or self.profile
            weights = []
            aw = []
            for i in range(n):
                period = probe.period_at(i)
                minute = probe.interval_start(i)
                if period is None:
                    weights.append(0.0)
                    aw.append(0.0)
                    continue
                weights.append(_profile_at(profile, minute) if period.walk_ins else 0.0)
                aw.append(
                    1.0 if period.mode == APPOINTMENT else (0.5 if period.appointments else 0)
                )
            total = svc.visitors_per_day * vol
            walk[code] = _spread(total * (1 - svc.appointment_share), weights)
            appt[code] = _spread(total * svc.appointment_share, aw)
        return DayDemand(
            opening,
            self.service_profiles,
            walk,
            appt,
            interval_minutes=dt,
            show_rate=1.0 - self.visitors.no_show_rate,
            patience_minutes=self.visitors.patience_minutes or None,
        )

    def appointment_mix(self) -> dict[str, float]:
        return {
            c: s.visitors_per_day * s.appointment_share
            for c, s in self.services.items()
            if s.appointment_share > 0
        }


def _profile_at(profile: tuple[tuple[int, float], ...], minute: int) -> float:
    value = profile[0][1] if profile else 1.0
    for start, w in profile:
        if start <= minute:
            value = w
    return value


def _spread(total: float, weights: list[float]) -> list[float]:
    s = sum(weights)
    if s <= 0 or total <= 0:
        return [0.0] * len(weights)
    return [total * w / s for w in weights]


def _windows(raw: Iterable[Sequence[time | str | int]]) -> tuple[tuple[int, int], ...]:
    return tuple((to_minute(a), to_minute(b)) for a, b, *_ in raw)


def _merge(base: dict, over: dict) -> dict:
    """Tables merge key by key; anything else (numbers, arrays) is replaced."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _load_raw(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    if path.resolve() in seen:
        raise ValueError(f"{path}: 'extends' loops back to itself")
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    base = _load_raw(path.parent / parent, seen + (path.resolve(),))
    base.pop("name", None)
    base.pop("description", None)
    return _merge(base, data)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file; ``extends = "other.toml"`` starts from another file."""
    path = Path(path)
    return parse_scenario(_load_raw(path), path)


def parse_scenario(data: dict, path: Path | None = None) -> Scenario:
    services: dict[str, ServiceSpec] = {}
    for raw in data["service"]:
        services[raw["code"]] = ServiceSpec(
            code=raw["code"],
            name=raw.get("name", raw["code"]),
            prefix=raw.get("prefix", raw["code"][0]),
            mean_minutes=float(raw["mean_minutes"]),
            cv=float(raw.get("cv", 0.5)),
            visitors_per_day=float(raw.get("visitors_per_day", 0.0)),
            appointment_share=float(raw.get("appointment_share", 0.0)),
            profile=tuple(
                sorted((to_minute(k), float(v)) for k, v in raw.get("profile", {}).items())
            ),
        )
    hours: dict[str, list[Period]] = {}
    for day, periods in data["hours"].items():
        if day not in WEEKDAYS:
            raise ValueError(f"hours: unknown weekday {day!r}")
        hours[day] = [Period.of(p[0], p[1], p[2] if len(p) > 2 else "mixed") for p in periods]
    days = list(data.get("days", list(hours)))
    for d in days:
        if d not in hours:
            raise ValueError(f"day {d!r} has no opening hours")
    all_services = {c: 1.0 for c in services}
    staff = []
    for raw in data.get("staff", []):
        skills = raw.get("skills", "all")
        skill_map = (
            dict(all_services) if skills == "all" else {k: float(v) for k, v in skills.items()}
        )
        unknown = set(skill_map) - set(services)
        if unknown:
            raise ValueError(f"staff {raw['id']}: unknown services {sorted(unknown)}")
        staff.append(
            StaffSpec(
                id=raw["id"],
                skills=skill_map,
                shifts={d: _windows(v) for d, v in raw.get("shifts", {}).items()},
                available={d: _windows(v) for d, v in raw.get("available", {}).items()},
                max_hours=float(raw.get("max_hours", 8.0)),
                min_hours=float(raw.get("min_hours", 0.0)),
                cost=float(raw.get("cost", 1.0)),
            )
        )
    norm = data.get("norm", {})
    vis = data.get("visitors", {})
    roster = data.get("roster", {})
    window = roster.get("break_window")
    rules = RosterRules(
        min_shift_minutes=int(roster.get("min_shift_hours", 2) * 60),
        max_shift_minutes=int(roster.get("max_shift_hours", 9) * 60),
        break_after_minutes=int(roster.get("break_after_hours", 5.5) * 60),
        break_minutes=int(roster.get("break_minutes", 30)),
        break_window=(to_minute(window[0]), to_minute(window[1])) if window else None,
        staff_slot_cost=float(roster.get("staff_slot_cost", RosterRules.staff_slot_cost)),
    )
    equipment = []
    for k, raw in enumerate(data.get("counter", []), start=1):
        served = raw.get("services", "all")
        if served != "all":
            unknown = set(served) - set(services)
            if unknown:
                raise ValueError(
                    f"counter {raw.get('number', k)}: unknown services {sorted(unknown)}"
                )
        equipment.append(
            CounterEquipment(
                int(raw.get("number", k)),
                None if served == "all" else frozenset(served),
                str(raw.get("name", "")),
            )
        )
    if equipment and "counters" in data and int(data["counters"]) != len(equipment):
        raise ValueError("counters must equal the number of [[counter]] tables")
    refused_as = str(vis.get("refused_requests", "walk_in"))
    if refused_as not in ("walk_in", "other_day"):
        raise ValueError("visitors.refused_requests must be 'walk_in' or 'other_day'")
    staffing = data.get("staffing", "plan")
    if staffing not in ("plan", "fixed"):
        raise ValueError("staffing must be 'plan' or 'fixed'")
    return Scenario(
        name=data.get("name", path.stem if path else "scenario"),
        description=data.get("description", ""),
        interval_minutes=int(data.get("interval_minutes", 15)),
        counters=len(equipment) if equipment else int(data["counters"]),
        days=days,
        target=Target(
            share=float(norm.get("target_share", 0.95)),
            within_minutes=float(norm.get("target_minutes", 5.0)),
        ),
        limit_minutes=float(norm.get("limit_minutes", 10.0)),
        services=services,
        hours=hours,
        day_factor={k: float(v) for k, v in data.get("day_factor", {}).items()},
        profile=tuple(sorted((to_minute(k), float(v)) for k, v in data.get("profile", {}).items())),
        visitors=VisitorSpec(
            patience_minutes=float(vis.get("patience_minutes", 0.0)),
            no_show_rate=float(vis.get("no_show_rate", 0.05)),
            punctuality_mean_minutes=float(vis.get("punctuality_mean_minutes", -4.0)),
            punctuality_sd_minutes=float(vis.get("punctuality_sd_minutes", 4.0)),
            actual_demand_factor=float(vis.get("actual_demand_factor", 1.0)),
            refused_requests=refused_as,
        ),
        staffing=staffing,
        staff=staff,
        sick=list(data.get("sick", [])),
        replan_sick=bool(data.get("replan_sick", False)),
        rules=rules,
        roster_time_limit_s=float(roster.get("time_limit_s", 900.0)),
        roster_work_limit=float(roster.get("work_limit", 4.0)),
        verify_replications=int(data.get("verify", {}).get("replications", 30)),
        equipment=equipment,
        path=path,
    )
