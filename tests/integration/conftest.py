"""Integration tests leave no thread behind: every loop, node and server they start ends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.threads import no_new_threads_left


@pytest.fixture(autouse=True)
def no_thread_leaks() -> Iterator[None]:
    with no_new_threads_left():
        yield
