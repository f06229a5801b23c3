"""The staff-hours search: rosterless rungs, non-monotone ladders, the real plan as a rung."""

from __future__ import annotations

from scheduler.staffhours import Level, search_ladder

# Rung -> share within the norm and staff-hours per policy; None: the solver gave no
# roster at that rung (an empty roster would make everyone miss the norm).
LADDER: dict[int, Level | None] = {
    0: {"a": (0.80, 20.0), "b": (0.96, 20.0)},
    1: {"a": (0.85, 19.5), "b": (0.97, 19.5)},  # fewer hours than rung 0: solver packing
    2: {"a": (0.90, 24.0), "b": (0.97, 24.0)},
    3: None,
    4: {"a": (0.955, 28.0), "b": (0.98, 28.0)},
    5: {"a": (0.97, 30.0), "b": (0.99, 30.0)},
    6: {"a": (0.98, 34.0), "b": (0.99, 34.0)},
    7: None,  # the top: the old search called the norm unreachable here
}


def test_search_steps_past_rungs_without_a_roster_and_takes_the_cheapest():
    asked: list[int] = []

    def level(i: int) -> Level | None:
        asked.append(i)
        return LADDER[i]

    found = search_ladder(8, 3, ["a", "b"], level, 0.95)
    assert found["a"] == (4, 0.955, 28.0)
    # b meets the norm everywhere: the cheapest rung is 1, not the lowest.
    assert found["b"] == (1, 0.97, 19.5)
    assert len(set(asked)) < len(LADDER)  # a search, not every rung


def test_the_real_plan_counts_as_a_rung_and_unreachable_stays_none():
    seen: dict[int, Level | None] = {-1: {"a": (0.96, 26.0), "c": (0.90, 26.0)}}

    def level(i: int) -> Level | None:
        lv = LADDER[i]
        if lv is None:
            return None
        return {**lv, "c": (0.5, lv["a"][1])}

    found = search_ladder(8, 3, ["a", "c"], level, 0.95, seen)
    assert found["a"] == (-1, 0.96, 26.0)  # the verified plan is cheaper than rung 4
    assert found["c"] is None


def test_a_ladder_without_any_roster_reaches_nothing():
    found = search_ladder(3, 1, ["a"], lambda i: None, 0.95)
    assert found == {"a": None}
