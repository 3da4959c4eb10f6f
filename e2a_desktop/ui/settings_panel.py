"""Voice and output: engine and voice, speed, a sample, format, folder, one file or many."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from e2a_node.engines.base import VoiceInfo
from e2a_node.gpu import GpuInfo
from e2a_node.settings import EngineSettings

from ..audio.asr import listening_problem
from ..audio.formats import FORMATS
from ..convert import primary_language
from .saved import SavedRequest


def _shrinkable(combo: QComboBox, chars: int) -> QComboBox:
    """A combo box that may be narrower than its longest entry (elided, the whole text in
    its list and tooltip): its longest entry no longer sets how narrow the panel can
    be, which at 800×600 squeezed the book's title and chapters."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    return combo


def _compact(form: QFormLayout) -> QFormLayout:
    """A box's rows close under its title and to its frame (the style's 9 px on every side
    and 6 between rows left the Output box's last row scrolled off at 800×600)."""
    form.setContentsMargins(8, 2, 8, 4)
    form.setVerticalSpacing(4)
    return form


def _label(text: str, buddy: QWidget) -> QLabel:
    """A form label whose mnemonic (Alt+letter) focuses ``buddy``."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


FORMAT_LABELS = {"m4b": "M4B audiobook (chapters)", "mp3": "MP3", "opus": "Opus",
                 "flac": "FLAC (lossless)", "wav": "WAV (uncompressed)"}


SUBTITLE_LABELS = {"": "None", "srt": "SRT (.srt)", "vtt": "WebVTT (.vtt)"}
ASR_TIP = ("An offline recogniser (PocketSphinx for English voices, or a faster-whisper model "
           "you installed) listens to each part as it is spoken; a part that drops words or "
           "says others is spoken again. Slower.")
SUBTITLES_TIP = ("Sentence-timed subtitles beside the audiobook, for players that show the "
                 "text as it is heard")
READ_ALONG_TIP = ("Also write BOOK.readalong.epub: the book's text, each sentence lit as its "
                  "audio plays (EPUB 3 readers)")
LOCKED_TIP = "Set when the book starts: Cancel first to change it"
DEVICE_TIP = ("Where this PC's voice runs. Automatic: a GPU where the voice can use one, else "
              "the CPU. Coqui/XTTS voices are many times faster on a GPU; Piper uses one where "
              "onnxruntime has CUDA. The Nodes table shows the device really used.")


@dataclass(frozen=True)
class OutputChoice:
    format: str
    folder: Path
    split_chapters: bool
    subtitles: str = ""
    read_along: bool = False
    verify: str = ""


class SettingsPanel(QWidget):
    """Signals: ``sample_requested()``, ``voice_changed()``."""

    sample_requested = Signal()
    voice_changed = Signal()

    def __init__(self, voices: list[VoiceInfo], folder: Path,
                 parent: QWidget | None = None,
                 gpus: list[tuple[str, GpuInfo]] | None = None) -> None:
        super().__init__(parent)
        self.voices = voices
        self.voice = QComboBox()
        self.voice.setAccessibleName("Voice")
        for info in voices:
            self.voice.addItem(f"{info.name}  ({info.language or '?'}, {info.engine})")
        self.voice.currentIndexChanged.connect(self.voice_changed)
        self.voice.currentIndexChanged.connect(self._on_voice_index)
        self.speed = QDoubleSpinBox()
        self.speed.setAccessibleName("Speed")
        self.speed.setRange(0.5, voices[0].max_speed if voices else 1.9)
        self.speed.setSingleStep(0.05)
        self.speed.setValue(1.0)
        self.speed.setSuffix(" ×")
        self.sample = QPushButton("▶ Play sample")
        self.sample.setToolTip("Hear the first sentences of the selected chapter (Ctrl+P)")
        self.sample.setShortcut("Ctrl+P")
        self.sample.clicked.connect(self.sample_requested)
        self.warning = QLabel()
        self.warning.setObjectName("languageWarning")
        self.warning.setWordWrap(True)
        self._paint_warning()
        self.warning.hide()
        voice_box = QGroupBox("Voice")
        voice_form = _compact(QFormLayout(voice_box))
        voice_form.addRow("&Voice", self.voice)
        self.speaker = QComboBox()
        self.speaker.setAccessibleName("Speaker")
        self.speaker.setToolTip("This model speaks in several voices: choose one")
        self.speaker_label = _label("Spea&ker", self.speaker)
        voice_form.addRow(self.speaker_label, self.speaker)
        self._show_speakers(self.chosen_voice())
        speed_row = QHBoxLayout()
        speed_row.addWidget(self.speed)
        speed_row.addWidget(self.sample, 1)
        voice_form.addRow(_label("&Speed", self.speed), speed_row)
        voice_form.addRow(self.warning)

        self.format = QComboBox()
        self.format.setAccessibleName("Output format")
        for name in FORMATS:
            self.format.addItem(FORMAT_LABELS.get(name, name), name)
        self.folder = QLineEdit(str(folder))
        self.folder.setAccessibleName("Output folder")
        self.browse = QPushButton("Browse…")
        self.browse.setToolTip("Choose the folder")
        self.browse.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        self.split = QCheckBox("One file per chapter")
        self.render_here = QCheckBox("This PC speaks too")
        self.render_here.setChecked(True)
        self.render_here.setToolTip("Uncheck to leave the speaking to the other PCs of the farm")
        self.device = _shrinkable(QComboBox(), 12)
        self.device.setAccessibleName("This PC's device")
        self.device.addItem("Automatic", "auto")
        self.device.addItem("CPU only", "cpu")
        self._wanted_device = ""  # a remembered GPU not listed yet (the list comes later)
        self.device.activated.connect(self._on_device_chosen)
        self.show_gpus(gpus or [])
        self.device.setToolTip(DEVICE_TIP)
        self._extras()
        self.render_here.toggled.connect(self._enable_device)
        output_box = QGroupBox("Output")
        output_form = _compact(QFormLayout(output_box))
        output_form.addRow("Fo&rmat", self.format)  # Alt+F is the File menu
        output_form.addRow(_label("F&older", self.folder), folder_row)
        output_form.addRow(self.split)
        extras_row = QHBoxLayout()
        extras_row.addWidget(self.subtitles)
        extras_row.addWidget(self.read_along, 1)
        output_form.addRow(_label("Su&btitles", self.subtitles), extras_row)
        output_form.addRow(self.verify)
        output_form.addRow(self.verify_why)
        # This PC and the device it speaks on, one row across the box: the box then fits
        # at 800×600 without scrolling its last row away.
        here_row = QHBoxLayout()
        here_row.addWidget(self.render_here)
        here_row.addWidget(self.device, 1)
        output_form.addRow(here_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(voice_box)
        layout.addWidget(output_box)
        layout.addStretch(1)

    def tab_stops(self) -> tuple[QWidget, ...]:
        """Its fields in the order Tab visits them: down the Voice box, then the Output box."""
        return (self.voice, self.speaker, self.speed, self.sample, self.format, self.folder,
                self.browse, self.split, self.subtitles, self.read_along, self.verify,
                self.render_here, self.device)

    def _extras(self) -> None:
        """What is written beside the audiobook, and the check of its words."""
        self.subtitles = QComboBox()
        self.subtitles.setAccessibleName("Subtitles")
        for kind, label in SUBTITLE_LABELS.items():
            self.subtitles.addItem(label, kind)
        self.subtitles.setToolTip(SUBTITLES_TIP)
        self.read_along = QCheckBox("Read-along EPUB")
        self.read_along.setToolTip(READ_ALONG_TIP)
        self.verify = QCheckBox("Check each part's words by listening (ASR)")
        self.verify.setAccessibleName("Check each part's words by listening")
        self.verify_why = QLabel()  # why it cannot be chosen, under it, in grey
        self.verify_why.setObjectName("asrUnavailable")
        self.verify_why.setWordWrap(True)
        self.verify_why.setEnabled(False)  # drawn in the palette's disabled (grey) text
        self.verify_why.setContentsMargins(22, 0, 0, 0)  # under the box's text, not its box
        self._locked = False
        self._asr_why = ""
        self.voice_changed.connect(self._show_asr)
        self._show_asr()

    def _show_asr(self, _index: int = 0) -> None:
        """The ASR box is offered only where it can listen (PocketSphinx, English voice);
        otherwise it is greyed out and says why."""
        voice = self.chosen_voice()
        self._asr_why = listening_problem(voice.language or "en") if voice is not None else ""
        self.verify.setEnabled(not self._asr_why and not self._locked)
        if self._asr_why:
            self.verify.setChecked(False)
        self.verify.setToolTip(LOCKED_TIP if self._locked else
                               f"Not available: {self._asr_why}" if self._asr_why else ASR_TIP)
        self.verify.setAccessibleDescription(self.verify.toolTip())
        self.verify_why.setText(f"Not available: {self._asr_why}" if self._asr_why else "")
        self.verify_why.setVisible(bool(self._asr_why))

    @property
    def asr_unavailable(self) -> str:
        """Why the ASR check cannot be chosen for this voice ("": it can)."""
        return self._asr_why

    def lock_extras(self, locked: bool) -> None:
        """While a book converts, what it writes and checks is shown read-only."""
        self._locked = locked
        for box, tip in ((self.subtitles, SUBTITLES_TIP), (self.read_along, READ_ALONG_TIP)):
            box.setEnabled(not locked)
            box.setToolTip(LOCKED_TIP if locked else tip)
        self._show_asr()
        self._enable_device()

    def _enable_device(self, _checked: bool = False) -> None:
        """The device is chosen for this PC's voice when the book starts (it is handed to the
        conversion then), so mid-book it is greyed out as the other choices: a change there
        did nothing until the next book. Unchecked "This PC speaks too" greys it as well."""
        self.device.setEnabled(self.render_here.isChecked() and not self._locked)
        self.device.setToolTip(LOCKED_TIP if self._locked else DEVICE_TIP)

    def _paint_warning(self) -> None:
        """A red that reads on the palette in use: the light one's is too dark on a dark one."""
        dark = self.palette().window().color().lightness() < 128
        self.warning.setStyleSheet(f"color: {'#ff7b6e' if dark else '#c0392b'};")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        """The system switched to a dark palette (or back): the warning follows."""
        if event.type() == QEvent.Type.PaletteChange:
            self._paint_warning()
        super().changeEvent(event)

    def _on_voice_index(self, _index: int) -> None:
        voice = self.chosen_voice()
        if voice is not None:
            self.speed.setMaximum(voice.max_speed)
        self._show_speakers(voice)

    def _show_speakers(self, voice: VoiceInfo | None) -> None:
        """A multi-speaker model's voices; the row is hidden for one-voice models."""
        speakers = voice.speakers if voice is not None else ()
        self.speaker.clear()
        self.speaker.addItems(list(speakers))
        self.speaker.setVisible(bool(speakers))
        self.speaker_label.setVisible(bool(speakers))

    def set_voices(self, voices: list[VoiceInfo]) -> None:
        """The installed voices changed (the voice manager): list them, keeping the choice
        where it is still installed."""
        chosen = self.chosen_voice()
        self.voices = voices
        self.voice.blockSignals(True)
        self.voice.clear()
        for info in voices:
            self.voice.addItem(f"{info.name}  ({info.language or '?'}, {info.engine})")
        self.voice.blockSignals(False)
        if chosen is not None:
            self.select_voice(f"{chosen.engine}:{chosen.name}")
        self.voice_changed.emit()

    def chosen_voice(self) -> VoiceInfo | None:
        index = self.voice.currentIndex()
        return self.voices[index] if 0 <= index < len(self.voices) else None

    def select_voice(self, name: str) -> None:
        for i, info in enumerate(self.voices):
            if info.name == name or f"{info.engine}:{info.name}" == name:
                self.voice.setCurrentIndex(i)

    def chosen_device(self) -> str:
        return str(self.device.currentData() or "auto")

    def select_device(self, device: str) -> None:
        """Show ``device`` if this PC still has it (a GPU may have gone); else Automatic.

        The GPUs are listed off the GUI thread (nvidia-smi can take seconds), so a GPU
        not listed yet is kept as wanted and chosen when ``show_gpus`` brings it.
        """
        index = self.device.findData(device)
        self.device.setCurrentIndex(index if index >= 0 else 0)
        self._wanted_device = device if index < 0 else ""

    def device_to_remember(self) -> str:
        """The choice to save: a remembered GPU still being looked for counts as chosen."""
        return self._wanted_device or self.chosen_device()

    def show_gpus(self, gpus: list[tuple[str, GpuInfo]]) -> None:
        """Offer the GPUs found (after Automatic and CPU, which are there from the start)."""
        for device, gpu in gpus:
            if self.device.findData(device) < 0:
                free = f", {gpu.free_mb / 1024:.1f} GB free" if gpu.free_mb else ""
                self.device.addItem(f"{gpu.name}{free} ({device})", device)
        if self._wanted_device:
            index = self.device.findData(self._wanted_device)
            if index >= 0:
                self.device.setCurrentIndex(index)
        self._wanted_device = ""  # found, or gone from this PC: Automatic stays

    def _on_device_chosen(self, _index: int) -> None:
        self._wanted_device = ""  # the person chose: a late list must not override it

    def output(self) -> OutputChoice:
        return OutputChoice(str(self.format.currentData()), Path(self.folder.text()).expanduser(),
                            self.split.isChecked(), str(self.subtitles.currentData() or ""),
                            self.read_along.isChecked(),
                            "asr" if self.verify.isChecked() and not self._asr_why else "")

    def chosen_engine(self) -> EngineSettings | None:
        voice = self.chosen_voice()
        if voice is None:
            return None
        return EngineSettings(engine=voice.engine, voice=voice.name,
                              language=voice.language or "en",
                              speed=round(self.speed.value(), 2),
                              speaker=self.speaker.currentText() if voice.speakers else "")

    def request_for(self, book_path: Path) -> SavedRequest | None:
        """The book with the voice and output chosen now (all chapters, its own titles)."""
        engine, output = self.chosen_engine(), self.output()
        if engine is None:
            return None
        return SavedRequest(book_path, engine, output.folder, output.format,
                            output.split_chapters, self.render_here.isChecked(),
                            subtitles=output.subtitles, read_along=output.read_along,
                            verify=output.verify)

    def apply(self, saved: SavedRequest) -> bool:
        """Show a saved request's voice and output; False if its voice is not installed."""
        found = [i for i, v in enumerate(self.voices)
                 if (v.engine, v.name) == (saved.voice.engine, saved.voice.voice)]
        if not found:
            return False
        self.voice.setCurrentIndex(found[0])
        self._show_speakers(self.voices[found[0]])
        if saved.voice.speaker:
            self.speaker.setCurrentText(saved.voice.speaker)
        self.speed.setValue(saved.voice.speed)
        index = self.format.findData(saved.format)
        if index >= 0:
            self.format.setCurrentIndex(index)
        self.folder.setText(str(saved.folder))
        self.split.setChecked(saved.split_chapters)
        self.render_here.setChecked(saved.render_here)
        self.subtitles.setCurrentIndex(max(0, self.subtitles.findData(saved.subtitles)))
        self.read_along.setChecked(saved.read_along)
        self.verify.setChecked(saved.verify == "asr" and not self._asr_why)
        return True

    def check_language(self, book_language: str) -> None:
        """Warn, visibly, when the voice does not speak the book's language."""
        voice = self.chosen_voice()
        spoken = primary_language(voice.language) if voice else ""
        book = primary_language(book_language)
        if voice is not None and book and spoken and book != spoken:
            self.warning.setText(f"⚠ The book is in “{book_language}” but this voice speaks "
                                 f"“{voice.language}”.")
            self.warning.show()
        else:
            self.warning.hide()

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Where should the audiobook go?",
                                                  self.folder.text())
        if chosen:
            self.folder.setText(chosen)
