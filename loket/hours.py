"""Opening hours: which period a branch is in at a moment, and why it is closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache

import holidays

from loket.models import Branch, PeriodMode

DAY_NAMES_NL = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
# For the English texts that Loket's core writes (the report mail's subject).
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class Period:
    start: time
    end: time
    mode: PeriodMode

    def contains(self, moment: time) -> bool:
        return self.start <= moment < self.end


@lru_cache(maxsize=16)
def _nl_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NL", years=year, language="nl")


def holiday_name(day: date) -> str | None:
    return _nl_holidays(day.year).get(day)


def periods_on(branch: Branch, day: date) -> tuple[list[Period], str | None]:
    """The opening periods on a day and, when there are none, a sentence saying why."""
    exceptions = [x for x in branch.exceptions if x.day == day]
    if exceptions:
        periods = [
            Period(x.start, x.end, PeriodMode(x.mode))
            for x in exceptions
            if x.start and x.end and x.mode
        ]
        reason = next((x.reason for x in exceptions if x.reason), "")
        if not periods:
            return [], reason or "Vandaag zijn we gesloten"
        return sorted(periods, key=lambda p: p.start), None
    if branch.public_holidays:
        name = holiday_name(day)
        if name:
            return [], f"Het is een feestdag: {name}"
    periods = [
        Period(p.start, p.end, PeriodMode(p.mode))
        for p in branch.periods
        if p.weekday == day.weekday()
    ]
    if not periods:
        return [], f"Op {DAY_NAMES_NL[day.weekday()]} zijn we gesloten"
    return sorted(periods, key=lambda p: p.start), None


def period_at(branch: Branch, moment: datetime) -> Period | None:
    periods, _ = periods_on(branch, moment.date())
    return next((p for p in periods if p.contains(moment.time())), None)


def describe_day(day: date) -> str:
    return f"{DAY_NAMES_NL[day.weekday()]} {day.day} {MONTHS_NL[day.month - 1]}"


def next_walk_in_opening(branch: Branch, moment: datetime, days: int = 14) -> datetime | None:
    """The next moment walk-ins are welcome, to tell a visitor when to come back."""
    for offset in range(days):
        day = date.fromordinal(moment.date().toordinal() + offset)
        periods, _ = periods_on(branch, day)
        for p in periods:
            if p.mode is PeriodMode.APPOINTMENT:
                continue
            start = datetime.combine(day, p.start)
            end = datetime.combine(day, p.end)
            if end > moment:
                return max(start, moment)
    return None
