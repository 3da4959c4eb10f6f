"""What the coordinator believes of uploaded audio: plausible length for the text, or refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.farm.uploads import UploadRejected, check_wav, size_limit
from tests.helpers.farm_fixtures import RATE, speech_like_wav


def _wav(tmp_path: Path, seconds: float) -> Path:
    path = tmp_path / "unit.wav"
    path.write_bytes(speech_like_wav(seconds))
    return path


def test_a_short_heading_may_take_a_few_seconds_to_say(tmp_path: Path) -> None:
    checked = check_wav(_wav(tmp_path, 3.0), RATE, chars=4, speed=1.0, spans=[(0.0, 3.0)])
    assert checked.duration == pytest.approx(3.0)


@pytest.mark.parametrize(("chars", "seconds"), [(1800, 5.0), (1800, 700.0), (4, 9.0)])
def test_audio_far_too_short_or_long_for_its_text_is_refused(tmp_path: Path, chars: int,
                                                             seconds: float) -> None:
    with pytest.raises(UploadRejected, match="implausible"):
        check_wav(_wav(tmp_path, seconds), RATE, chars=chars, speed=1.0, spans=[(0.0, 1.0)])


def test_slower_speech_setting_allows_proportionally_longer_audio(tmp_path: Path) -> None:
    audio = _wav(tmp_path, 800.0)  # 1800 characters said very slowly
    assert check_wav(audio, RATE, chars=1800, speed=0.5, spans=[(0.0, 1.0)]).duration == 800.0
    with pytest.raises(UploadRejected, match="implausible"):
        check_wav(audio, RATE, chars=1800, speed=1.0, spans=[(0.0, 1.0)])
    assert size_limit(1800, RATE, 0.5) > size_limit(1800, RATE, 1.0)
