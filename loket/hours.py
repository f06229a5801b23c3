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
    return day_periods(
        day,
        [(x.start, x.end, x.mode, x.reason) for x in branch.exceptions if x.day == day],
        [(p.start, p.end, p.mode) for p in branch.periods if p.weekday == day.weekday()],
        branch.public_holidays,
    )


def day_periods(
    day: date,
    exceptions: list[tuple[time | None, time | None, str | None, str | None]],
    weekly: list[tuple[time, time, str]],
    public_holidays: bool,
) -> tuple[list[Period], str | None]:
    """``periods_on`` from plain rows: the day's exceptions (start, end, mode, reason)
    and the weekly periods of its weekday (start, end, mode)."""
    if exceptions:
        periods = [Period(s, e, PeriodMode(m)) for s, e, m, _ in exceptions if s and e and m]
        reason = next((r for *_, r in exceptions if r), "")
        if not periods:
            return [], reason or "Vandaag zijn we gesloten"
        return sorted(periods, key=lambda p: p.start), None
    if public_holidays:
        name = holiday_name(day)
        if name:
            return [], f"Het is een feestdag: {name}"
    periods = [Period(s, e, PeriodMode(m)) for s, e, m in weekly]
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
