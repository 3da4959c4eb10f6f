"""Converting the open book: Convert, Pause, Resume, Cancel, and what the window shows as the
book is prepared, spoken and bound, or stopped, or fails (part of the main window)."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from ..convert import PreparedBook, prepare
from ..progress import ProgressSnapshot
from ..service import CANCELLED, FAILED, FINISHED, Outcome
from . import dialogs
from .bridge import run_task
from .edits import replace_question, same_audiobook
from .saved import META_KEY, SavedRequest
from .session import ConversionSession, finished_extras, outputs_of
from .tray_icon import converting_text
from .window_parts import Shown, WindowParts

log = logging.getLogger("e2a.ui")

READY_NEWS = "The audiobook is ready: "
"""How the banner opens once a book is done (it goes when the choices no longer match)."""


class ConversionControl(WindowParts):
    """Turns the controls' clicks into commands on a ``ConversionSession`` and shows its
    events; one book converts at a time (``session``)."""

    def current_request(self) -> SavedRequest | None:
        """The open book as the person shaped it: chapters, titles, voice and output."""
        request = self._request_now()
        if request is not None and not request.chapters:
            self.show_message("Check at least one chapter to convert.")
            return None
        return request

    def _request_now(self) -> SavedRequest | None:
        saved = self.settings.request_for(self.book_path) if self.book_path else None
        if saved is None or self.book is None:
            return None
        return replace(saved, chapters=tuple(self.chapters.included()),
                       title=self.book_panel.title.text().strip() or self.book.metadata.title,
                       author=self.book_panel.author.text().strip(),
                       chapter_titles=tuple(self.chapters.titles()))

    def _on_choice_changed(self) -> None:
        """"Done: emma.m4b" and "Convert again" say what Convert would make was made: once
        the chapters, titles, voice, speed or output differ, it is "Ready to convert" again,
        and "The audiobook is ready: …" above goes with it (it stayed, beside "Ready to
        convert", as if the file had the new choices)."""
        self.book_panel.set_speed(self.settings.speed.value())  # "about 2:09 of audio"
        self.chapters.set_speed(self.settings.speed.value())  # and each chapter's length
        made = self._made if self.session is None and self.controls.mode == "done" else None
        if made is not None and not same_audiobook(made, self._request_now()):
            self._made = None
            self.controls.set_mode("idle")
            self.controls.show_progress_idle()
            if self.message.text().startswith(READY_NEWS):
                self.message.hide()

    def start_conversion(self) -> None:
        saved = self.current_request()
        voice = self.settings.chosen_voice()
        if saved is None or voice is None or self.book is None or self.session is not None:
            self._unattended = False
            return
        request = saved.convert_request(voice.max_chars or None)
        book = saved.edited(self.book)
        self._starting = saved
        self.waiting.converting = True
        self._lock_choices(True)
        self._shown_before = self._shown()  # put back should the person not replace it
        self.controls.set_mode("stopping")
        self.chapters.reset_states()
        self.message.hide()  # "Stopped… press Convert" is no longer true
        run_task(lambda: prepare(request, book), self._on_prepared, self._on_start_failed)

    def _lock_choices(self, locked: bool) -> None:
        """While a book converts, what it was started with is shown read-only: the chapter
        checks and titles, title and author, and "This PC speaks too". A change there was
        shown (the header said "4 of 6 chapters") but the audiobook had all six."""
        self.chapters.set_locked(locked)
        tip = "Being converted with this: Cancel first to change it." if locked else ""
        for field in (self.book_panel.title, self.book_panel.author):
            field.setReadOnly(locked)
            field.setToolTip(tip)
        self.settings.render_here.setEnabled(not locked)
        self.settings.lock_extras(locked)
        self.review.set_converting(locked)
        self.settings.render_here.setToolTip(
            "Set when the book starts: Cancel first to change it" if locked else
            "Uncheck to leave the speaking to the other PCs of the farm")

    def _on_prepared(self, prepared: PreparedBook) -> None:
        existing = [p for p in outputs_of(prepared) if p.exists()]
        unattended, self._unattended = self._unattended, False
        redoing, self._redoing = self._redoing, False  # replacing the book is the point
        if existing and unattended and not redoing:
            self._skip_queued(existing)
            return
        if existing and not redoing and not self.confirm(replace_question(existing)):
            self._starting, self.waiting.converting = None, False
            self._lock_choices(False)
            self._show_again(self._shown_before)
            self.show_message(f"Not converted: {existing[0]} is kept. Choose another folder "
                              "or format to keep both.", error=False)
            self.waiting.conversion_ended(CANCELLED)  # a queue stops here, as on Cancel
            return
        core = self.core
        meta = {META_KEY: self._starting.to_json()} if self._starting else None
        session = ConversionSession(prepared, core.paths, core.bus, core.host, core.bridge, self,
                                    render_here=self.settings.render_here.isChecked(),
                                    job_meta=meta, device=self.settings.chosen_device(),
                                    shown_before=self._stopped_at)
        session.started.connect(self._on_started)
        session.start_failed.connect(self._on_start_failed)
        session.progressed.connect(self.controls.show_progress)
        session.progressed.connect(self._show_progress_in_tray)
        session.chapter_states_changed.connect(self.chapters.set_states)
        session.ended.connect(self._on_ended)
        self.session = session
        for warning in prepared.warnings:
            self.show_message(warning, error=False)
        session.start()

    def _show_progress_in_tray(self, snap: ProgressSnapshot) -> None:
        title = self.book_panel.title.text().strip() or snap.title
        self.core.show_doing(converting_text(title, snap.fraction, snap.state == "paused"))

    def _shown(self) -> Shown:
        """What the controls and chapter list show: mode, status, bar, chapter states."""
        controls = self.controls
        return (controls.mode, controls.status.text(), controls.bar.value(),
                {i: row.state for i, row in enumerate(self.chapters.rows)})

    def _show_again(self, shown: Shown) -> None:
        """No to "Replace it?": the window as it was (a finished book still says Done, with
        Play and Show in folder and its chapters' states, not a bare Convert)."""
        mode, status, bar, states = shown
        self.controls.set_mode(mode if mode in ("idle", "done") else "idle")
        self.controls.status.setText(status)
        self.controls.bar.setValue(bar)
        self.chapters.set_states(states)

    def _skip_queued(self, existing: list[Path]) -> None:
        """A queued book whose audiobook exists, reached with nobody asked: it is skipped,
        never written over and never waited on; the log and the window say why."""
        self._starting, self.waiting.converting = None, False
        self._lock_choices(False)
        self.controls.set_mode("idle")
        name = self.book_path.name if self.book_path else "a queued book"
        note = (f"Skipped “{name}”: {existing[0]} already exists. Queue it again with "
                "another folder or format to keep both, or delete that file first.")
        self.log_pane.add(note)
        self.show_message(note, error=False)
        self.waiting.conversion_ended(FAILED)  # not a stop: the queue goes on

    def _on_started(self) -> None:
        self.edits.kept()
        self.controls.set_mode("running")
        self.core.keep_awake(True)
        log.info("converting %s", self.book_path.name if self.book_path else "")
        if self._redo_note:
            self.show_message(self._redo_note, error=False)
            self._redo_note = ""
        if self.session is not None:
            self.waiting.busy = self.session.conversion.work_folder
            self.waiting.refresh()

    def _on_start_failed(self, message: str) -> None:
        self.session, self.waiting.converting = None, False
        self._lock_choices(False)
        self.controls.set_mode("idle")
        self.show_message(message)
        self.waiting.conversion_ended(FAILED)

    def _on_pause(self) -> None:
        if self.session is not None:
            self.session.pause()
            self.controls.set_mode("paused")
            self.core.keep_awake(False)

    def _on_resume(self) -> None:
        if self.session is not None:
            self.session.resume()
            self.controls.set_mode("running")
            self.core.keep_awake(True)

    def _on_cancel(self) -> None:
        if self.session is not None:
            self.controls.show_stopping("Stopping after the sentence being spoken…")
            self.session.cancel()

    def _on_ended(self, outcome: Outcome) -> None:
        folder = self.session.conversion.work_folder if self.session is not None else None
        ended = self.session.conversion.prepared if self.session is not None else None
        self._stopped_at = None
        if self.session is not None:
            if folder is not None and outcome.state != FINISHED:  # Convert goes on from here
                self._stopped_at = (folder, self.session.conversion.snapshot().fraction)
            self.session.deleteLater()
        self.session = None
        self.core.show_doing("")
        self.waiting.busy, self.waiting.converting = None, False
        self._lock_choices(False)
        self.core.keep_awake(False)
        if outcome.state == FINISHED and outcome.result is not None:
            self.outputs = self.controls.outputs = outcome.result.outputs
            self._made = self._starting
            self.controls.set_mode("done")
            where = self.outputs[0] if len(self.outputs) == 1 else self.outputs[0].parent
            self.controls.status.setText(f"Done: {where.name}")
            extras = finished_extras(outcome.result)
            self.show_message(f"{READY_NEWS}{where}{extras}", error=False)
            if extras:
                self.log_pane.add(extras.strip())
            self.core.notify("Audiobook ready", where.name)
        elif outcome.state == CANCELLED:
            self.controls.set_mode("idle")
            stopped = f" at {self._stopped_at[1]:.0%}" if self._stopped_at else ""
            self.controls.status.setText(f"Stopped{stopped}")  # no longer "Stopping…"
            self.show_message("Stopped. Everything spoken so far is kept: press Convert to "
                              "go on where it stopped.", error=False)
        else:
            self.controls.set_mode("idle")
            self.show_message(str(outcome.error))
        if ended is not None and folder is not None:  # the Review tab shows it as it is now
            self.review.show_job(ended, folder, self._starting)
        self.conversion_ended.emit(outcome)
        if self._closing:
            if self._closing == dialogs.DISCARD and folder is not None:
                self.waiting.discard(folder)
            self.close()
            return
        self.waiting.conversion_ended(outcome.state)
