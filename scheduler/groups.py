"""Staffing need per group of services that the same people and counters can serve.

A team where everybody does everything needs the pooled head count. A split team
needs more: the people who can serve *something* in a group of services S must be
able to carry the demand of S on its own (Hall's condition for the skill graph, with
each side's need from the queueing formula). The groups worth a constraint are the
unions of services that exactly the same people (at the same counters) can serve;
with few such classes we take every union, otherwise singletons, each person's
skill set, each counter's equipment and the whole day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

from scheduler.demand import DayDemand
from scheduler.roster import (
    CounterEquipment,
    GroupNeed,
    StaffAvailability,
    as_counters,
    equipment_classes,
)
from scheduler.staffing import Target, demanded_services, group_need

MAX_CLASSES_ALL_UNIONS = 6


def _able(
    services: frozenset[str],
    staff: Sequence[StaffAvailability],
    classes: Sequence[tuple[frozenset[str] | None, list[int]]],
) -> frozenset[tuple[str, int]]:
    """(person, counter class) pairs that can serve something in ``services``."""
    return frozenset(
        (p.id, k)
        for p in staff
        for k, (equip, _numbers) in enumerate(classes)
        if any(s in services and (equip is None or s in equip) for s in p.skills)
    )


def candidate_groups(
    demand: DayDemand,
    staff: Sequence[StaffAvailability],
    counters: int | Sequence[CounterEquipment],
) -> list[frozenset[str]]:
    """Groups of demanded services worth a staffing constraint (see module doc)."""
    wanted = demanded_services(demand)
    classes = equipment_classes(as_counters(counters))
    by_signature: dict[frozenset[tuple[str, int]], set[str]] = {}
    for code in sorted(wanted):
        by_signature.setdefault(_able(frozenset([code]), staff, classes), set()).add(code)
    blocks = [frozenset(v) for v in by_signature.values()]
    out: set[frozenset[str]] = set()
    if len(blocks) <= MAX_CLASSES_ALL_UNIONS:
        for r in range(1, len(blocks) + 1):
            for combo in combinations(blocks, r):
                out.add(frozenset().union(*combo))
    else:
        out.update(blocks)
        out.update(frozenset(p.skills) & wanted for p in staff)
        for equip, _numbers in classes:
            if equip is not None:
                out.add(equip & frozenset(wanted))
        out.add(frozenset(wanted))
    out.discard(frozenset())
    # The whole day with everybody able is the pooled need already.
    everyone = _able(frozenset(wanted), staff, classes)
    if len(everyone) == len(staff) * len(classes):
        out.discard(frozenset(wanted))
    return sorted(out, key=lambda g: (len(g), sorted(g)))


def group_needs(
    demand: DayDemand,
    staff: Sequence[StaffAvailability],
    counters: int | Sequence[CounterEquipment],
    target: Target | None = None,
    at_least: Mapping[frozenset[str], Sequence[int]] | None = None,
) -> list[GroupNeed]:
    """Need per group per interval; ``at_least`` raises it where the simulation asked."""
    classes = equipment_classes(as_counters(counters))
    n = demand.n_intervals
    computed: list[tuple[frozenset[str], list[int], frozenset[tuple[str, int]]]] = []
    for g in candidate_groups(demand, staff, counters):
        need = group_need(demand, g, target)
        if any(need):
            computed.append((g, need, _able(g, staff, classes)))
    # Drop a group when a larger one with the same people needs at least as much.
    kept: dict[frozenset[str], list[int]] = {}
    for g, need, able in computed:
        if any(
            g < g2 and able == able2 and all(a >= b for a, b in zip(need2, need, strict=True))
            for g2, need2, able2 in computed
        ):
            continue
        kept[g] = list(need)
    for g, row in (at_least or {}).items():
        base = kept.get(g) or group_need(demand, g, target)
        floor = list(row) + [0] * n
        kept[g] = [max(a, int(floor[i])) for i, a in enumerate(base)]
    return [GroupNeed(g, tuple(v)) for g, v in sorted(kept.items(), key=lambda kv: sorted(kv[0]))]
