"""On Windows (no nice values) the judge's and recognisers' processes go below normal."""

from __future__ import annotations

import sys

import pytest

from e2a_node import priority
from e2a_node.priority import BELOW_NORMAL_PRIORITY_CLASS, lower_priority_on_windows


class FakeKernel32:
    """Windows' kernel32 as far as priority goes: records the class a process asked for."""

    def __init__(self, fails: bool = False) -> None:
        self.asked: list[tuple[int, int]] = []
        self.fails = fails

    def GetCurrentProcess(self) -> int:  # noqa: N802 - the Win32 name
        return -1  # Windows' pseudo-handle for "this process"

    def SetPriorityClass(self, process: int, wanted: int) -> int:  # noqa: N802
        if self.fails:
            raise OSError("access denied")
        self.asked.append((process, wanted))
        return 1


def test_the_process_asks_for_below_normal() -> None:
    kernel32 = FakeKernel32()
    assert lower_priority_on_windows(kernel32)
    assert kernel32.asked == [(-1, BELOW_NORMAL_PRIORITY_CLASS)]


def test_a_pc_that_refuses_leaves_it_running_as_before() -> None:
    assert not lower_priority_on_windows(FakeKernel32(fails=True))


def test_elsewhere_nothing_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert not priority.lower_priority_on_windows()
