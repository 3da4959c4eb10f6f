"""The tray's controls over one node: actions, the idle rule, pairing, and what to show.

The controller owns the QActions that both front ends show (the tray's menu, or
the small window where no tray exists), decides when the worker may work (a
person's Pause, and the idle rule polled once a second), and turns the worker's
state into a TrayView. It never computes anything the worker does.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from ..autostart import Autostart
from ..idle import IdlePolicy, IdleSource, IdleVerdict
from ..joining import FarmOffer
from ..state import NodeSnapshot, NodeStatus
from .bridge import NodeBridge
from .farms import FarmsDialog
from .pairing import PairingDialog
from .prefs import PrefsStore, TrayPrefs
from .status import Look, TrayView, describe

IDLE_POLL_MS = 1000
MAX_OFFERS_SHOWN = 4
"""Farms offered at once in the menu (a home has one or two; a flood of adverts is not
worth a menu as long as the screen)."""
"""How often the idle rule is checked: work stops within this (plus a sentence) of a return."""

_JOINED = (NodeStatus.JOINED, NodeStatus.READY, NodeStatus.IDLE, NodeStatus.LOADING,
           NodeStatus.SPEAKING, NodeStatus.FINISHED, NodeStatus.NO_VOICE)


class TrayController(QObject):
    """Commands the node and says what it does.

    Signals:
        view_changed(TrayView): the icon, headline or detail changed.
        offer_news(str): a farm is offered for the first time in this run, by its label
            (the tray's notification: not again each time the node's own farm closes).
            Every farm on offer has its "Join the farm …" entry; the node never waits
            for an answer: it goes on working for its own farms.
        quit_requested(): the person chose Quit.
    """

    view_changed = Signal(object)
    offer_news = Signal(str)
    quit_requested = Signal()

    def __init__(self, bridge: NodeBridge, prefs: PrefsStore, idle: IdleSource,
                 autostart: Autostart | None = None, log_path: Path | None = None,
                 gpu: bool = False, poll_ms: int = IDLE_POLL_MS) -> None:
        super().__init__()
        self.bridge, self.store = bridge, prefs
        self.prefs = prefs.load()
        self.policy = IdlePolicy(idle, self.prefs.idle_minutes * 60.0)
        self.autostart = autostart or Autostart()
        self.log_path = log_path
        self.gpu = gpu
        self.state = NodeSnapshot()
        self.paused_by_person = False
        self.verdict: IdleVerdict | None = None
        self.units_today = prefs.units_today()
        self.offers: tuple[FarmOffer, ...] = ()
        self.dialog: PairingDialog | None = None
        self._farms: FarmsDialog | None = None
        self.log_message: QMessageBox | None = None
        self._announced: set[str] = set()  # farms whose offer was notified in this run
        self._working = True  # the worker starts unpaused
        self._last_done = 0
        self.view = describe(self.state)
        self._build_actions()
        self.menu = self._build_menu()
        self._joins_stale = False
        self.menu.aboutToHide.connect(self._menu_closed)
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._on_tick)
        bridge.state_changed.connect(self._on_state)
        bridge.offers_changed.connect(self._on_offers)
        bridge.ended.connect(self._on_ended)
        self._apply_prefs(self.prefs)

    # -- actions and menu ---------------------------------------------------------------

    def _action(self, text: str, slot: object = None, checkable: bool = False) -> QAction:
        action = QAction(text, self)
        action.setCheckable(checkable)
        if slot is not None:
            (action.toggled if checkable else action.triggered).connect(slot)
        return action

    def _build_actions(self) -> None:
        self.header = self._action("")
        self.header.setEnabled(False)
        bold = self.header.font()
        bold.setBold(True)
        self.header.setFont(bold)
        self.detail = self._action("")
        self.detail.setEnabled(False)
        # One entry per farm on offer (two farms at home are both offered), up to a few.
        self.joins = [self._action("", lambda _=False, i=i: self._join(i))
                      for i in range(MAX_OFFERS_SHOWN)]
        for action in self.joins:
            action.setVisible(False)
        self.join = self.joins[0]
        self.pause = self._action("Pause", self._on_pause_clicked)
        self.idle_only = self._action("", self._on_idle_only, checkable=True)
        self.use_gpu = self._action("Use the GPU" if self.gpu else "Use the GPU (none found)",
                                    self._on_gpu, checkable=True)
        self.use_gpu.setEnabled(self.gpu)
        self.get_voices = self._action("Download voices the farm needs", self._on_get_voices,
                                       checkable=True)
        self.threads = QActionGroup(self)
        cores = os.cpu_count() or 1
        for n in range(cores + 1):
            action = self._action(f"All ({cores})" if n == 0 else str(n), checkable=True)
            action.setData(n)
            self.threads.addAction(action)
        self.threads.triggered.connect(self._on_threads)
        self.farms = self._action("Farms…", lambda: self.open_farms())
        self.start_at_login = self._action("Start at login", self._on_autostart,
                                           checkable=True)
        self.open_log = self._action("Open log", self._on_open_log)
        self.open_log.setEnabled(self.log_path is not None)
        self.quit = self._action("Quit", self.quit_requested.emit)

    def _build_menu(self) -> QMenu:
        menu = QMenu()
        menu.addActions([self.header, self.detail])
        menu.addSeparator()
        menu.addActions([*self.joins, self.pause, self.idle_only, self.use_gpu,
                         self.get_voices])
        self.threads_menu = menu.addMenu("CPU threads")
        self.threads_menu.addActions(self.threads.actions())
        menu.addSeparator()
        menu.addActions([self.farms, self.start_at_login, self.open_log])
        menu.addSeparator()
        menu.addAction(self.quit)
        return menu

    def thread_action(self, threads: int) -> QAction:
        return next(a for a in self.threads.actions() if a.data() == threads)

    # -- start and stop -------------------------------------------------------------------

    def start(self) -> None:
        self.start_at_login.blockSignals(True)
        self.start_at_login.setChecked(self.autostart.enabled())
        self.start_at_login.blockSignals(False)
        self.start_at_login.changed.emit()  # a window's check box follows the entry on disk
        self._on_tick()
        self.bridge.start()
        self._refresh()

    def close(self) -> None:
        """Stop the idle checks and the worker (handing back the unit in hand)."""
        self._timer.stop()
        for dialog in (self.dialog, self._farms):
            if dialog is not None:
                dialog.close()
        self.bridge.close()

    # -- settings -----------------------------------------------------------------------

    def _apply_prefs(self, prefs: TrayPrefs) -> None:
        self.prefs = prefs
        self.store.save(prefs)
        self.policy.idle_after = prefs.idle_minutes * 60.0
        for action, value in ((self.idle_only, prefs.idle_only),
                              (self.use_gpu, prefs.use_gpu and self.gpu),
                              (self.get_voices, prefs.get_voices)):
            action.blockSignals(True)
            action.setChecked(value)
            action.blockSignals(False)
        self.idle_only.setText(f"Work only when this PC is idle ({prefs.idle_minutes} min, "
                               "not on battery)")
        self.thread_action(prefs.threads).setChecked(True)
        self.bridge.worker.set_thread_limit(prefs.threads or None)
        self.bridge.worker.set_device("cuda" if prefs.use_gpu and self.gpu else "cpu")
        self.bridge.worker.allow_voice_downloads(prefs.get_voices)
        if prefs.idle_only:
            self._timer.start()
        else:
            self._timer.stop()
            self.verdict = None
        self._on_tick()

    def _on_idle_only(self, on: bool) -> None:
        self._apply_prefs(self.prefs.with_(idle_only=on))

    def _on_gpu(self, on: bool) -> None:
        self._apply_prefs(self.prefs.with_(use_gpu=on))

    def _on_get_voices(self, on: bool) -> None:
        self._apply_prefs(self.prefs.with_(get_voices=on))

    def _on_threads(self, action: QAction) -> None:
        self._apply_prefs(self.prefs.with_(threads=int(action.data())))

    def _on_autostart(self, on: bool) -> None:
        self.autostart.set(on)

    def _on_open_log(self) -> None:
        """Open the log; where no program opens it, say where it is (not only on stderr)."""
        if self.log_path is None:
            return
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_path))):
            return
        box = QMessageBox(QMessageBox.Icon.Information, "e2a node log",
                          "No program on this computer opens this file. It is here:\n"
                          f"{self.log_path}")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.log_message = box
        box.open()

    # -- working or not -----------------------------------------------------------------

    def _on_pause_clicked(self) -> None:
        self.set_paused(not self.paused_by_person)

    def set_paused(self, paused: bool) -> None:
        self.paused_by_person = paused
        self._steer()

    def _on_tick(self) -> None:
        if self.prefs.idle_only:
            self.verdict = self.policy.verdict()
        self._steer()

    def _steer(self) -> None:
        """Pause or resume the worker as the person and the idle rule say."""
        idle_ok = self.verdict is None or self.verdict.may_work
        want = not self.paused_by_person and idle_ok
        if want != self._working:
            self._working = want
            if want:
                self.bridge.resume()
            else:
                self.bridge.pause()
        self.pause.setText("Resume" if self.paused_by_person else "Pause")
        self._refresh()

    # -- what the worker says -------------------------------------------------------------

    def _on_state(self, state: NodeSnapshot) -> None:
        if state.units_done > self._last_done:
            self.units_today = self.store.add_units(state.units_done - self._last_done)
            self._last_done = state.units_done
        self.state = state
        if self.dialog is not None and state.status in _JOINED and \
                state.farm_tag == self.dialog.offer.tag:
            self.dialog.accept()  # paired: the farm is joined from now on
        self._refresh()

    def _on_ended(self, error: object) -> None:
        if error is not None:
            self.state = NodeSnapshot(NodeStatus.ERROR, last_error=str(error))
            self._refresh()

    def _refresh(self) -> None:
        waiting = ""
        if self.verdict is not None and not self.verdict.may_work:
            waiting = self.verdict.reason
        view = describe(self.state, paused_by_person=self.paused_by_person,
                        waiting_reason=waiting, units_today=self.units_today)
        if self.verdict is not None and not self.verdict.known and not self.paused_by_person:
            view = TrayView(view.look, view.headline, self.verdict.reason)
        if self.offers and view.look is Look.NO_FARM and not self.paused_by_person:
            # Not "joins by itself": this farm needs its code first.
            head = (f"Farm {self.offers[0].label} can be joined" if len(self.offers) == 1
                    else f"{len(self.offers)} farms can be joined")
            view = TrayView(view.look, head,
                            "Choose “Join the farm…” and enter the code shown on that PC")
        self.header.setText(view.headline)
        self.detail.setText(view.detail)
        self.detail.setVisible(bool(view.detail))
        if view != self.view:
            self.view = view
            self.view_changed.emit(view)

    # -- pairing --------------------------------------------------------------------------

    @property
    def offer(self) -> FarmOffer | None:
        """The first farm on offer (what a click on the tray icon opens)."""
        return self.offers[0] if self.offers else None

    def _on_offers(self, offers: tuple[FarmOffer, ...]) -> None:
        """The farms that can be joined now: a menu entry each and a notification for a new
        one, never a wait. A code refused shows in its dialog (reopened if it was closed)."""
        before = {offer.fingerprint: offer for offer in self.offers}
        self.offers = offers
        self._update_join_entries()
        # A node already paired with a farm is not told of every other farm that comes
        # and goes (it was, dozens of times, over its own farm's code and the tray menu);
        # the menu still lists them to join.
        quiet = bool(self.bridge.worker.trust.all())
        for offer in offers:
            if offer.fingerprint not in self._announced:
                self._announced.add(offer.fingerprint)
                if not quiet:
                    self.offer_news.emit(offer.label)
        self._refresh()
        for offer in offers:
            if offer.wrong_code and before.get(offer.fingerprint) != offer:
                dialog = self.open_pairing(offer=offer)
                if dialog is not None:
                    dialog.refused()
            elif offer.problem and before.get(offer.fingerprint) != offer:
                dialog = self.open_pairing(offer=offer)
                if dialog is not None:
                    dialog.failed(offer.problem)
        dialog = self.dialog
        if dialog is not None and dialog.offer.fingerprint not in {o.fingerprint
                                                                   for o in offers}:
            if self.bridge.worker.trust.get(dialog.offer.fingerprint) is not None:
                dialog.accept()  # paired (this PC joins it when it next looks for work)
            else:
                dialog.gone()  # its advert was withdrawn: never "Checking the code…" on

    def _update_join_entries(self) -> None:
        """A "Join the farm …" entry per farm on offer; not while the menu is open, where
        entries coming and going moved the others under the pointer (a click meant for
        "Start at login" landed on "Open log"): then once it closes."""
        if self.menu.isVisible():
            self._joins_stale = True
            return
        self._joins_stale = False
        offers = self.offers
        for action, offer in zip(self.joins, [*offers, *[None] * len(self.joins)],
                                 strict=False):
            action.setText(f"Join the farm “{offer.label}”…" if offer else "")
            action.setVisible(offer is not None)

    def _menu_closed(self) -> None:
        if self._joins_stale:
            self._update_join_entries()

    def _join(self, index: int) -> None:
        if index < len(self.offers):
            self.open_pairing(offer=self.offers[index])

    def open_pairing(self, parent: QWidget | None = None,
                     offer: FarmOffer | None = None) -> PairingDialog | None:
        """Open the code dialog for a farm on offer (the first unless named): the
        notification's or a menu entry's click. One dialog at a time: another farm's
        closes, without passing that farm over."""
        offer = offer or self.offer
        if offer is None:
            return None
        if self.dialog is not None and self.dialog.offer.fingerprint != offer.fingerprint:
            old, self.dialog = self.dialog, None
            old.finished.disconnect(self._on_dialog_finished)
            old.close()
            old.deleteLater()
        if self.dialog is None:
            self.dialog = PairingDialog(offer, parent)
            self.dialog.code_entered.connect(
                lambda code, o=offer: self.bridge.answer_offer(o, code))
            self.dialog.finished.connect(self._on_dialog_finished)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def _on_dialog_finished(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is None:
            return
        dialog.deleteLater()
        if result != PairingDialog.DialogCode.Accepted:
            self.bridge.answer_offer(dialog.offer, None)  # not now: passed over this run
        # Joined, or passed over: its entry goes now (the worker says so a moment later).
        self._on_offers(tuple(o for o in self.offers
                              if o.fingerprint != dialog.offer.fingerprint))

    def open_farms(self, parent: QWidget | None = None) -> FarmsDialog:
        if self._farms is None:
            self._farms = FarmsDialog(self.bridge.worker.trust, self.bridge.runner.forget_farm,
                                      parent)
            self._farms.finished.connect(self._on_farms_finished)
        self._farms.refresh()
        self._farms.show()
        self._farms.raise_()
        return self._farms

    def _on_farms_finished(self, _result: int) -> None:
        farms, self._farms = self._farms, None
        if farms is not None:
            farms.deleteLater()
