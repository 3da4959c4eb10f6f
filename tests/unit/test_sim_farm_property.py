"""Property test on the simulated farm: whatever the nodes' speeds, deaths and delays,
the book is finished, every sentence once and in order, and nothing is spoken more
than twice (a unit and one copy)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.farm_sim import SimNode, simulate, synthetic_book

node = st.tuples(
    st.floats(0.2, 20.0),  # speed, × real time
    st.floats(0.0005, 0.2),  # one-way network delay, seconds
    st.one_of(st.none(), st.tuples(st.floats(0, 60), st.floats(1.5, 6))),  # slows down
    st.one_of(st.none(), st.floats(0, 90)),  # dies then
    st.floats(0, 5),  # joins then
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=True, database=None)  # the same examples on every run and machine
@given(st.lists(node, min_size=1, max_size=6), st.integers(0, 2**16),
       st.integers(2_000, 8_000))
def test_the_book_always_finishes_and_nothing_is_spoken_more_than_twice(
        nodes: list[tuple[float, float, tuple[float, float] | None, float | None, float]],
        seed: int, chars: int) -> None:
    farm = [SimNode(f"node-{i}", speed, latency, join_at=join,
                    slow_at=slow[0] if slow else None, slow_factor=slow[1] if slow else 1.0,
                    die_at=dies if i else None)  # one node lives to the end
            for i, (speed, latency, slow, dies, join) in enumerate(nodes)]
    book = synthetic_book(random.Random(seed), chars, 2)
    outcome = simulate(book, farm, lease_ttl=20.0, unit_chars=400)
    assert outcome.finished
    assert outcome.in_order  # every sentence accepted once, each chapter in reading order
    assert max(outcome.spoken.values()) <= 2
