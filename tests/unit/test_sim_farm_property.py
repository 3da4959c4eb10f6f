"""Property test on the simulated farm: whatever the nodes' speeds, deaths and delays,
the book is finished, every sentence once and in order, and nothing is spoken more
than twice (a unit and one copy)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers.farm_sim import REAL_TIME_CPS, SimNode, simulate, synthetic_book

node = st.tuples(
    st.floats(0.2, 20.0),  # speed, × real time
    st.floats(0.0005, 0.2),  # one-way network delay, seconds
    st.one_of(st.none(), st.tuples(st.floats(0, 60), st.floats(1.5, 6))),  # slows down
    st.one_of(st.none(), st.floats(0, 90)),  # dies then
    st.floats(0, 5),  # joins then
)

Node = tuple[float, float, tuple[float, float] | None, float | None, float]


def alone(first: Node, chars: int) -> float:
    """When the first node (it never dies) would have spoken the book by itself, at its
    slowest: a farm that has not finished well after that is stuck."""
    speed, _, slow, _, join = first
    return join + chars / (REAL_TIME_CPS * speed / (slow[1] if slow else 1.0))


# Found with 2,000 random examples: the one node left at 0.1x real time lost each unit's
# lease while its sentence for a dropped unit ended (the simulated node did not beat for
# its next unit meanwhile, the real one does) and took the same unit again for ever; the
# book never ended and Hypothesis spent minutes shrinking and explaining it.
@example(nodes=[(0.2, 0.0347, (8.78, 2.0), 26.24, 0.0), (5.28, 0.1999, None, 23.53, 0.0),
                (1.2, 0.08, (8.78, 2.0), 26.24, 3.85), (1.38, 0.154, None, 0.0, 2.16)],
         seed=205, chars=7852)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=True, database=None)  # the same examples on every run and machine
@given(st.lists(node, min_size=1, max_size=6), st.integers(0, 2**16),
       st.integers(2_000, 8_000))
def test_the_book_always_finishes_and_nothing_is_spoken_more_than_twice(
        nodes: list[Node], seed: int, chars: int) -> None:
    farm = [SimNode(f"node-{i}", speed, latency, join_at=join,
                    slow_at=slow[0] if slow else None, slow_factor=slow[1] if slow else 1.0,
                    die_at=dies if i else None)  # one node lives to the end
            for i, (speed, latency, slow, dies, join) in enumerate(nodes)]
    book = synthetic_book(random.Random(seed), chars, 2)
    # A stuck farm fails in a second of host time, not after 10^6 virtual seconds.
    outcome = simulate(book, farm, lease_ttl=20.0, unit_chars=400,
                       give_up_at=4 * alone(nodes[0], chars) + 600)
    assert outcome.finished
    assert outcome.in_order  # every sentence accepted once, each chapter in reading order
    assert max(outcome.spoken.values()) <= 2
