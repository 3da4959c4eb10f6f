"""The tray's settings, kept in QSettings: read once, written at each change."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, replace

from PySide6.QtCore import QSettings

IDLE_MINUTES_DEFAULT = 5


@dataclass(frozen=True)
class TrayPrefs:
    """What a person chose in the tray's menu."""

    idle_only: bool = False
    idle_minutes: int = IDLE_MINUTES_DEFAULT
    use_gpu: bool = False
    threads: int = 0  # 0: all cores
    get_voices: bool = False  # download a voice a farm's book needs (e2a-node --get-voices)

    def with_(self, **changes: object) -> TrayPrefs:
        return replace(self, **changes)  # type: ignore[arg-type]


class PrefsStore:
    """TrayPrefs and today's unit count in QSettings (organisation e2a, application e2a-node)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or QSettings("e2a", "e2a-node")

    def load(self) -> TrayPrefs:
        s = self.settings
        return TrayPrefs(_bool(s.value("idle_only", False)),
                         _int(s.value("idle_minutes", IDLE_MINUTES_DEFAULT),
                              IDLE_MINUTES_DEFAULT),
                         _bool(s.value("use_gpu", False)),
                         max(0, min(_int(s.value("threads", 0), 0), os.cpu_count() or 1)),
                         _bool(s.value("get_voices", False)))

    def save(self, prefs: TrayPrefs) -> None:
        for key in ("idle_only", "idle_minutes", "use_gpu", "threads", "get_voices"):
            self.settings.setValue(key, getattr(prefs, key))
        self.settings.sync()

    def units_today(self, today: datetime.date | None = None) -> int:
        day = (today or datetime.date.today()).isoformat()
        if self.settings.value("today/date", "") != day:
            return 0
        return _int(self.settings.value("today/units", 0), 0)

    def add_units(self, count: int, today: datetime.date | None = None) -> int:
        day = (today or datetime.date.today()).isoformat()
        total = self.units_today(today) + count
        self.settings.setValue("today/date", day)
        self.settings.setValue("today/units", total)
        return total


def _bool(value: object) -> bool:
    return value in (True, "true", "1", 1)


def _int(value: object, default: int) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default
