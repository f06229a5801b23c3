from scheduler.demand import DayDemand, Period, ServiceProfile
from scheduler.staffing import Target, interval_needs, metrics


def demand(walk_row, patience=None):
    services = {"PAS": ServiceProfile("PAS", 12.0, 0.5)}
    return DayDemand(
        [Period.of("09:00", "12:00", "walk_in")],
        services,
        walk_in={"PAS": walk_row},
        patience_minutes=patience,
    )


def test_need_reaches_target_and_one_less_does_not():
    d = demand([4.0] * 12)
    needs = interval_needs(d, lag=False)
    nd = needs[5]
    target = Target()
    rate, mean = nd.arrivals / 15, nd.mean_service
    ok = metrics(rate, mean, nd.need, target, None, nd.ca2, nd.cs2)
    short = metrics(rate, mean, nd.need - 1, target, None, nd.ca2, nd.cs2)
    assert ok.service_level >= 0.95 > short.service_level
    assert nd.late_with(nd.need) < nd.late_with(nd.need - 1)


def test_more_demand_needs_more_counters_and_open_means_at_least_one():
    low = interval_needs(demand([0.0] * 12))
    high = interval_needs(demand([8.0] * 12))
    assert all(n.need == 1 for n in low)
    assert high[6].need > 2


def test_lag_moves_the_need_after_a_rush():
    row = [0.0] * 12
    row[2] = 10.0  # a rush between 09:30 and 09:45
    lagged = interval_needs(demand(row), lag=True)
    stationary = interval_needs(demand(row), lag=False)
    # The stationary view forgets the rush as soon as it ends; the queue does not.
    assert lagged[3].need > stationary[3].need
    assert lagged[2].need <= stationary[2].need
