import math

import pytest

from scheduler.erlang import erlang_a, erlang_b, erlang_c, ggc, interpolate_servers, mmc


def test_erlang_b_table_value():
    # Erlang B tables: 10 erlangs on 10 lines block 21.46% of calls.
    assert erlang_b(10, 10.0) == pytest.approx(0.2146, abs=5e-5)


@pytest.mark.parametrize(
    ("servers", "p_wait"), [(11, 0.6821), (12, 0.4494), (13, 0.2853), (14, 0.1741)]
)
def test_erlang_c_table_values_for_10_erlangs(servers, p_wait):
    assert erlang_c(servers, 10.0) == pytest.approx(p_wait, abs=5e-4)


def test_call_centre_textbook_example():
    # 10 erlangs (AHT 180 s), 14 agents, answer within 20 s:
    # P(wait) 17.4%, service level 88.8%, ASA 7.8 s.
    m = mmc(arrival_rate=10 / 180, mean_service=180, servers=14, threshold=20)
    assert m.p_wait == pytest.approx(0.1741, abs=5e-4)
    assert m.service_level == pytest.approx(0.888, abs=1e-3)
    assert m.mean_wait == pytest.approx(7.8, abs=0.05)


def test_mm2_closed_form():
    lam, mu = 1.5, 1.0
    rho = lam / (2 * mu)
    assert erlang_c(2, lam / mu) == pytest.approx(2 * rho**2 / (1 + rho), rel=1e-12)


def test_large_pool_is_stable():
    # Direct factorial formulas overflow here; the recursion must not.
    c = erlang_c(500, 480.0)
    assert 0.0 < c < 1.0


def test_unstable_queue_always_waits():
    assert erlang_c(3, 3.0) == 1.0
    assert mmc(1.0, 5.0, 4, 5.0).service_level == 0.0


def test_allen_cunneen_exponential_is_erlang_c_and_regular_service_waits_less():
    base = mmc(0.3, 10, 4, 5)
    same = ggc(0.3, 10, 4, 5, ca2=1.0, cs2=1.0)
    regular = ggc(0.3, 10, 4, 5, ca2=1.0, cs2=0.2)
    assert same.service_level == pytest.approx(base.service_level)
    assert regular.mean_wait == pytest.approx(base.mean_wait * 0.6)
    assert regular.service_level > base.service_level


@pytest.mark.parametrize("servers", [3, 5, 8])
def test_erlang_a_tends_to_erlang_c_for_endless_patience(servers):
    lam, mean = 0.9 * servers / 10, 10.0
    c = mmc(lam, mean, servers, 5.0)
    a = erlang_a(lam, mean, servers, mean_patience=1e9, threshold=5.0)
    assert a.p_wait == pytest.approx(c.p_wait, abs=1e-4)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-4)
    assert a.mean_wait == pytest.approx(c.mean_wait, rel=1e-3)


def test_erlang_a_walkouts_shorten_the_queue_and_stay_stable_when_overloaded():
    patient = erlang_a(0.5, 10, 5, mean_patience=1e9, threshold=5)
    impatient = erlang_a(0.5, 10, 5, mean_patience=10, threshold=5)
    assert impatient.p_abandon > 0.01
    assert impatient.mean_wait < patient.mean_wait
    overloaded = erlang_a(1.0, 10, 5, mean_patience=10, threshold=5)
    assert 0.3 < overloaded.p_abandon < 0.7
    assert math.isfinite(overloaded.mean_wait)


def test_fractional_servers_lie_between_neighbours():
    lo, hi = mmc(0.35, 10, 4, 5), mmc(0.35, 10, 5, 5)
    mid = interpolate_servers(lambda c: mmc(0.35, 10, c, 5), 4.5)
    assert lo.service_level < mid.service_level < hi.service_level
