"""Which farm a node joins, and what it does about strangers (asyncio, no Qt).

The result of finding a farm is a paired, pinned ``CoordinatorClient``; the unit
loop in worker.py then runs over it as over any ``FarmLink``. The tray and the
headless node share every rule here:

- A node stays with its farms. A farm it is paired with is joined by itself,
  whichever adverts resolve first; the one it last worked for comes first.
- A stranger (a farm it is not paired with) is *offered*: the tray shows a
  notification and a menu entry, the headless node a log line. Nothing waits for
  an answer: the node goes on working for its own farms meanwhile.
- A code given with ``--code`` belongs to one farm. It is tried on each unknown
  farm in turn until one accepts it, then it is spent: a wrong code costs that
  farm one guess and tells neither side anything (PAKE), so the node can find
  its farm among several of one name without exiting over the others.
- Nothing another machine says makes a node exit: a refusal, an odd answer or
  an impostor's certificate leaves that address alone for a while.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import aiohttp

from .client import (
    BadAnswer,
    CoordinatorClient,
    CoordinatorGone,
    NotTheTrustedCoordinator,
    ProtocolMismatch,
    RequestRefused,
)
from .discovery import Browser, FarmAdvert
from .errors import E2AError
from .farm_tag import farm_label, farm_tag
from .protocol import CODE_USED, PROTOCOL_VERSION, JobInfo
from .trust import NodeIdentity, TrustedCoordinator, TrustStore

log = logging.getLogger("e2a.node")

CodePrompt = Callable[[str], Awaitable[str | None]]
"""Asks a person at a terminal for a farm's code (by its label); None if nobody can answer."""

PASS_OVER_S = 30.0
"""An address that refused this node, answered oddly or failed to prove its key is left
alone this long (the node's own farm may come back there: never for good)."""
UNREACHABLE_S = 1.0
"""An advertised farm that does not answer is tried again this soon: its advert may be
one the network still holds for a farm restarting on the same port."""
BROWSE_TICK_S = 2.0
OTHER_FARM_TIMEOUT_S = 3.0
"""How long a paired farm the node does not work for may take to say whether it has a
book: one that hangs must not keep the node from its own farm's next book."""
ANSWER_TIMEOUT_S = 20.0
"""How long a code typed for a farm may take to be checked: a farm that has closed (or
hangs) is then said not to answer, instead of "Checking the code…" for ever."""


@dataclass(frozen=True)
class FarmOffer:
    """A farm this node is not paired with, offered to the person (never waited on)."""

    name: str
    fingerprint: str
    url: str
    wrong_code: bool = False
    """The last code typed for this farm was not its code."""
    problem: str = ""
    """Why the last code typed for it could not be checked (the farm did not answer)."""

    @property
    def tag(self) -> str:
        return farm_tag(self.fingerprint)

    @property
    def label(self) -> str:
        return farm_label(self.name, self.fingerprint)


@dataclass(frozen=True)
class JoinedFarm:
    """What the worker learns from a join: the link, and who is at the other end."""

    client: CoordinatorClient
    name: str
    fingerprint: str

    @property
    def label(self) -> str:
        return farm_label(self.name, self.fingerprint)


class FarmFinder:
    """Finds the farm to work for; holds the mDNS browser for the node's whole run.

    ``on_problem(why)`` hears of every farm passed over (the tray shows the last one);
    ``on_offer(offers)`` is called (on the worker's loop) with every stranger on offer
    whenever one is offered or withdrawn (two farms on the network are both offered);
    ``answer`` takes the person's reply from any thread. ``prompt``, for a person at a
    terminal, is used only while the node is paired with no farm at all (there is no
    work to hold up then).
    """

    def __init__(self, identity: NodeIdentity, trust: TrustStore, *, url: str | None = None,
                 code: str | None = None, farm_name: str | None = None,
                 mdns_interfaces: list[str] | None = None, prompt: CodePrompt | None = None,
                 on_offer: Callable[[tuple[FarmOffer, ...]], None] | None = None,
                 on_problem: Callable[[str], None] = lambda _why: None) -> None:
        self.identity, self.trust = identity, trust
        self._on_problem = on_problem
        self.url, self.farm_name, self.interfaces = url, farm_name, mdns_interfaces
        self._code = code
        self._prompt = prompt
        self._on_offer = on_offer
        self._browser: Browser | None = None
        self._passed_over: dict[str, float] = {}  # URL → until when it is left alone
        self._code_refused: set[str] = set()  # URLs that refused the --code
        self._declined: set[str] = set()  # fingerprints the person said "not now" to
        self._preferred = trust.last_joined()  # the fingerprint of the farm last joined
        self._offers: dict[str, FarmOffer] = {}  # fingerprint → offer, oldest first
        self._answers: dict[str, str | None] = {}  # fingerprint → code (None: declined)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._poked = asyncio.Event()
        self._said = ""
        self._session: aiohttp.ClientSession | None = None
        self._finding = False  # async_find is running: it takes the answers itself
        self._tasks: set[asyncio.Task[None]] = set()
        self._code_task: asyncio.Task[None] | None = None  # the --code tried meanwhile

    # -- from any thread --------------------------------------------------------------

    def answer(self, fingerprint: str, code: str | None) -> None:
        """The person's reply to an offer: its code, or None for "not now"."""
        with self._lock:
            self._answers[fingerprint] = code
        self.poke()
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._answer_in_background)

    def decline(self, fingerprint: str) -> None:
        """Do not offer this farm again in this run (it was just forgotten, say)."""
        with self._lock:
            self._declined.add(fingerprint)
        self.poke()

    def poke(self) -> None:
        """Wake a finder waiting for adverts (an answer came, or the node stops)."""
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed: nothing to wake
            loop.call_soon_threadsafe(self._poked.set)

    @property
    def offers(self) -> tuple[FarmOffer, ...]:
        return tuple(self._offers.values())

    # -- on the worker's loop ---------------------------------------------------------

    def _answer_in_background(self) -> None:
        """Check a typed code now even while the node works for another farm.

        ``async_find`` runs only while the node has no farm; a code typed for a second
        farm meanwhile used to wait, "Checking the code…", until the first farm's book
        was over. Pairing does not take the node from its work: it joins the new farm
        when it next looks for one.
        """
        if self._finding or self._session is None or self._browser is None:
            return
        task = asyncio.ensure_future(self._async_answers(self._session))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _async_answers(self, session: aiohttp.ClientSession) -> None:
        adverts = list(self._browser.found.values()) if self._browser is not None else []
        for advert, code in self._take_answers(adverts):
            await self._async_answer(session, advert, code)

    def _on_adverts(self) -> None:
        """An advert came or went: a farm whose advert was withdrawn is no longer offered,
        and one that appeared is offered (also while the node works for another farm and
        does not browse: a farm restarted meanwhile used never to be offered again)."""
        if self._browser is None:
            return
        adverts = list(self._browser.found.values())
        here = {a.fingerprint for a in adverts}
        self._set_offers([o for o in self._offers.values() if o.fingerprint in here])
        if not self._finding:  # (while finding, each step offers them itself)
            self._offer_while_working(adverts)

    def _offer_while_working(self, adverts: list[FarmAdvert]) -> None:
        """Strangers that appeared while the node works: offered as when it has no farm,
        and the ``--code`` tried on them, in the background (the work goes on)."""
        _paired, strangers = self.sort_adverts(adverts)
        with self._lock:
            declined = set(self._declined)
        open_ = [a for a in strangers if a.fingerprint not in declined]
        if not open_:
            return
        tries = [a for a in open_ if a.url not in self._code_refused]
        trying = self._code_task is not None and not self._code_task.done()
        if self._code is not None and tries and self._session is not None and not trying:
            task = asyncio.ensure_future(self._async_code_in_background(self._session, tries))
            self._code_task = task
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        if self._on_offer is not None:
            self._set_offers([*self._offers.values(), *(
                FarmOffer(a.name, a.fingerprint, a.url) for a in open_
                if a.fingerprint not in self._offers)])
        elif self._code is None:
            first = open_[0]
            self._say(f"found farm '{farm_label(first.name, first.fingerprint)}' at "
                      f"{first.url}, which this node is not paired with; to join it, run "
                      "with --code CODE (the code its desktop shows)")

    async def _async_code_in_background(self, session: aiohttp.ClientSession,
                                        strangers: list[FarmAdvert]) -> None:
        """Try the ``--code`` on farms that appeared while the node works for another.

        Paired, the farm is joined when the node next looks for one (its work is not
        left for it); the farm worked for stays the one preferred.
        """
        preferred = self._preferred
        try:
            for advert in strangers:
                if self._code is None:
                    return  # spent on one of them
                if advert.url not in self._code_refused:
                    await self._async_try(session, advert, self._code)
        finally:
            self._preferred = preferred
            self.trust.remember_joined(preferred)

    async def async_close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._browser is not None:
            await self._browser.async_close()
            self._browser = None
        self._set_offers([])

    def pass_over(self, url: str, why: str, seconds: float = PASS_OVER_S) -> None:
        """Leave an address alone for a while; say so (once, while nothing else is said)."""
        if not url:
            return
        self._passed_over[url] = time.monotonic() + seconds
        where = "" if why.startswith(url) else f"{url}: "
        self._on_problem(f"{where}{why}")
        if seconds >= PASS_OVER_S:
            self._say(f"{where}{why}; leaving it alone for {seconds:.0f} s")
        else:
            log.debug("%s%s", where, why)

    async def async_find(self, session: aiohttp.ClientSession,
                         keep_going: Callable[[], bool],
                         waiting: Callable[[], None] = lambda: None) -> JoinedFarm | None:
        """The farm to work for, joined and paired; None when ``keep_going`` turns false.

        ``waiting`` is called each time no farm could be joined at once (the node is
        then "looking for a farm"; a paired farm already on the network is joined
        without ever saying so).

        With ``url`` the one farm there is joined; its errors go to the caller, which
        backs off (there is nothing else to try). By mDNS, every error of one farm
        only passes that farm over, and the others are tried at once.
        """
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a worker run again runs on a new loop
            self._loop, self._poked = loop, asyncio.Event()
        if self.url:
            return await self._async_join_url(session)
        self._session = session
        if self._browser is None:
            log.info("looking for e2a farms on the network (mDNS)…")
            self._browser = Browser(self.interfaces, on_change=self._on_adverts)
            await self._browser.async_start()
        self._finding = True
        try:
            while keep_going():
                joined = await self._async_step(session, list(self._browser.found.values()))
                if joined is not None:
                    return joined
                waiting()
                await self._async_wait_for_news()
        finally:
            self._finding = False
        return None

    async def _async_wait_for_news(self) -> None:
        """Until an advert changes, a person answers or the node is told to stop."""
        assert self._browser is not None
        self._poked.clear()
        changed = asyncio.ensure_future(self._browser.async_wait(BROWSE_TICK_S))
        poked = asyncio.ensure_future(self._poked.wait())
        try:
            await asyncio.wait({changed, poked}, timeout=BROWSE_TICK_S,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (changed, poked):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def async_farm_with_book(self, joined: str,
                                   wanted: Callable[[JobInfo], bool] = lambda _job: True,
                                   ) -> FarmAdvert | None:
        """Another paired farm on the network with a book to speak, or None.

        Asked while the farm the node works for (``joined``, its fingerprint) has no
        book: a node paired with two farms sat idle on one while the other spoke a
        book. ``wanted(job)`` is false for a book the node cannot help with (heard to be
        over, or in a voice it lacks). A farm that does not answer is simply not chosen
        (nothing is passed over).
        """
        for advert, job in await self.async_ask_others(joined, busy=False):
            if job is not None and wanted(job):
                return advert
        return None

    async def async_ask_others(self, joined: str, busy: bool
                               ) -> list[tuple[FarmAdvert, JobInfo | None]]:
        """Each other paired farm on the network, asked for its book over its pinned
        certificate (a signed ``POST /elsewhere``, saying whether this node is ``busy``
        with ``joined``): they show the node as ready or helping another farm, never as
        lost. The farms that answered, with their books (None: no book)."""
        answers: list[tuple[FarmAdvert, JobInfo | None]] = []
        for advert, client in self._other_clients(joined):
            try:
                job = await asyncio.wait_for(client.async_elsewhere(busy), OTHER_FARM_TIMEOUT_S)
            except Exception:  # noqa: BLE001 - another farm's trouble never stops this node
                log.debug("asking %s for its book failed", advert.url, exc_info=True)
                continue
            answers.append((advert, job))
        return answers

    async def async_tell_others_leaving(self, joined: str, why: str) -> None:
        """Say goodbye (``POST /leaving``) to each other paired farm on the network, all at
        once and a few seconds at most: a node that quit read "stopped" on its farm but
        "lost" on the other it had told it was ready or busy elsewhere."""
        clients = self._other_clients(joined)

        async def one(client: CoordinatorClient) -> None:
            with contextlib.suppress(Exception):  # another farm's trouble never matters here
                await asyncio.wait_for(client.async_leaving(why), OTHER_FARM_TIMEOUT_S)

        await asyncio.gather(*(one(client) for _advert, client in clients))

    def _other_clients(self, joined: str) -> list[tuple[FarmAdvert, CoordinatorClient]]:
        """A signed client for each paired farm on the network but ``joined``."""
        session, browser = self._session, self._browser
        if self.url or session is None or browser is None:
            return []
        paired, _strangers = self.sort_adverts(list(browser.found.values()))
        clients = []
        for advert in paired:
            trusted = self.trust.get(advert.fingerprint)
            if advert.fingerprint == joined or trusted is None:
                continue
            clients.append((advert, CoordinatorClient(
                session, advert.url, self.identity.node_id, secret=trusted.secret,
                certificate=trusted.certificate)))
        return clients

    def prefer(self, fingerprint: str) -> None:
        """Join this paired farm first when the node next looks for a farm."""
        self._preferred = fingerprint
        self.trust.remember_joined(fingerprint)

    # -- choosing ---------------------------------------------------------------------

    def sort_adverts(self, adverts: list[FarmAdvert]) -> tuple[list[FarmAdvert],
                                                                list[FarmAdvert]]:
        """(paired farms, the one last joined first; strangers this node could pair with)."""
        now = time.monotonic()
        usable = [a for a in adverts if self._passed_over.get(a.url, 0.0) <= now
                  and self.farm_name in (None, a.name)]
        paired = [a for a in usable if self.trust.get(a.fingerprint) is not None]
        paired.sort(key=lambda a: a.fingerprint != self._preferred)
        strangers = [a for a in usable if self.trust.get(a.fingerprint) is None
                     and a.protocol == PROTOCOL_VERSION]
        return paired, strangers

    async def _async_step(self, session: aiohttp.ClientSession,
                          adverts: list[FarmAdvert]) -> JoinedFarm | None:
        paired, strangers = self.sort_adverts(adverts)
        for advert in paired:
            joined = await self._async_try(session, advert, None)
            if joined is not None:
                return joined
        for advert, code in self._take_answers(adverts):
            joined = await self._async_answer(session, advert, code)
            if joined is not None:
                return joined
        if self._code_task is not None and not self._code_task.done():
            await asyncio.wait({self._code_task}, timeout=ANSWER_TIMEOUT_S)  # one try at a time
        if self._code is not None:
            for advert in strangers:
                if advert.url in self._code_refused:
                    continue
                joined = await self._async_try(session, advert, self._code)
                if joined is not None:
                    return joined
            if strangers and all(a.url in self._code_refused for a in strangers):
                # Said once (until something changes), not left to silence: the code given
                # with --code is nobody's here.
                self._say(f"no farm on the network took the code given ({len(strangers)} "
                          "tried); check the code the desktop window shows, or wait for "
                          "the farm it belongs to")
        return await self._async_offer(session, strangers, paired_any=bool(paired))

    def _take_answers(self, adverts: list[FarmAdvert]) -> list[tuple[FarmAdvert, str]]:
        """The codes typed for farms still on the network; "not now" declines the farm.

        A person's answer is tried even on an address passed over a moment ago: they
        asked for that farm now.
        """
        with self._lock:
            answers, self._answers = self._answers, {}
            for fingerprint, code in answers.items():
                if code is None:
                    self._declined.add(fingerprint)
        out = []
        for fingerprint, code in answers.items():
            advert = next((a for a in adverts if a.fingerprint == fingerprint
                           and a.protocol == PROTOCOL_VERSION), None)
            offer = self._offers.get(fingerprint)
            if code and advert is not None:
                out.append((advert, code))
                if offer is not None and (offer.wrong_code or offer.problem):  # a new try
                    self._put_offer(replace(offer, wrong_code=False, problem=""))
            else:  # "not now", or it left the network while the code was typed
                self._drop_offer(fingerprint)
        return out

    async def _async_offer(self, session: aiohttp.ClientSession, strangers: list[FarmAdvert],
                           paired_any: bool) -> JoinedFarm | None:
        """Offer every stranger not declined; a terminal is asked (for the first) only when
        unpaired."""
        with self._lock:
            declined = set(self._declined)
        open_ = [a for a in strangers if a.fingerprint not in declined]
        here = {a.fingerprint for a in open_}
        # Those that left the network, or were declined, are no longer on offer.
        self._set_offers([o for o in self._offers.values() if o.fingerprint in here])
        if not open_:
            return None
        first = open_[0]
        if self._prompt is not None and not self.trust.all() and not paired_any:
            code = await self._prompt(farm_label(first.name, first.fingerprint))
            if not code:
                self.decline(first.fingerprint)
                return None
            return await self._async_try(session, first, code)
        if self._on_offer is not None:
            # One on offer keeps its entry (and a refused code's mark); all told at once.
            self._set_offers([*self._offers.values(), *(
                FarmOffer(a.name, a.fingerprint, a.url) for a in open_
                if a.fingerprint not in self._offers)])
            return None
        if self._code is None:  # with a code, the farm it belongs to is still awaited
            self._say(f"found farm '{farm_label(first.name, first.fingerprint)}' at "
                      f"{first.url}, which this node is not paired with; to join it, run "
                      "with --code CODE (the code its desktop shows)")
        return None

    def _set_offers(self, offers: list[FarmOffer]) -> None:
        """The strangers on offer now; the tray hears of every change."""
        new = {offer.fingerprint: offer for offer in offers}
        if list(new.values()) == list(self._offers.values()):
            return
        for offer in new.values():
            if offer.fingerprint not in self._offers:
                log.info("farm '%s' at %s can be joined with its code", offer.label, offer.url)
        self._offers = new
        if self._on_offer is not None:
            self._on_offer(tuple(new.values()))

    def _put_offer(self, offer: FarmOffer) -> None:
        """Offer a farm, or change its offer in place (a wrong code typed for it)."""
        self._set_offers([*{**self._offers, offer.fingerprint: offer}.values()])

    def _drop_offer(self, fingerprint: str) -> None:
        self._set_offers([o for o in self._offers.values() if o.fingerprint != fingerprint])

    # -- joining ----------------------------------------------------------------------

    async def _async_answer(self, session: aiohttp.ClientSession, advert: FarmAdvert,
                            code: str) -> JoinedFarm | None:
        """Try the code a person typed for a farm, for at most ANSWER_TIMEOUT_S.

        Every outcome reaches the person: joined, a wrong code (offered again, marked),
        or a farm that did not answer (offered again with why), never a silent wait.
        """
        try:
            return await asyncio.wait_for(
                self._async_join(session, advert.url, advert.fingerprint, code),
                ANSWER_TIMEOUT_S)
        except WrongCode:
            return None
        except CoordinatorGone as exc:
            why = (str(exc) if str(exc).startswith("pairing is paused")
                   else f"{advert.name} did not answer: it may have closed")
        except (TimeoutError, asyncio.TimeoutError):
            why = f"{advert.name} did not answer: it may have closed"
        except Exception as exc:  # noqa: BLE001 - a peer's answer must never end the node
            log.debug("pairing with %s failed", advert.url, exc_info=True)
            why = f"{advert.name} could not be joined: {exc}"
        log.warning("farm '%s' at %s: %s", farm_label(advert.name, advert.fingerprint),
                    advert.url, why)
        if advert.fingerprint in self._offers or self._on_offer is not None:
            self._put_offer(FarmOffer(advert.name, advert.fingerprint, advert.url,
                                      problem=why))
        return None

    async def _async_try(self, session: aiohttp.ClientSession, advert: FarmAdvert,
                         code: str | None) -> JoinedFarm | None:
        """Join one advertised farm; any failure of that farm only passes it over."""
        try:
            return await self._async_join(session, advert.url, advert.fingerprint, code)
        except WrongCode:
            return None
        except NotTheTrustedCoordinator as exc:
            self.pass_over(advert.url, str(exc))
        except CoordinatorGone as exc:
            self.pass_over(advert.url, f"unreachable ({exc})", UNREACHABLE_S)
        except (ProtocolMismatch, RequestRefused, NotPaired) as exc:
            self.pass_over(advert.url, str(exc))
        except Exception as exc:  # noqa: BLE001 - a peer's answer must never end the node
            log.debug("joining %s failed", advert.url, exc_info=True)
            self.pass_over(advert.url, f"failed: {type(exc).__name__}: {exc}")
        return None

    async def _async_join_url(self, session: aiohttp.ClientSession) -> JoinedFarm:
        """The farm at ``--url``: paired, or paired now with the code (errors go up)."""
        assert self.url is not None
        code = self._code if self.url not in self._code_refused else None
        try:
            return await self._async_join(session, self.url, None, code)
        except WrongCode as exc:
            if code is not None and self._alone():  # the code was all this node had
                raise E2AError(f"{self.url}: pairing refused: {exc}") from None
            raise RequestRefused(403, str(exc)) from None
        except NotPaired as exc:
            if self._alone():
                raise E2AError(str(exc)) from None  # nothing this node could ever do
            raise RequestRefused(403, str(exc)) from None

    def _alone(self) -> bool:
        """Paired with no farm, and nobody to ask for a code: a refusal is final."""
        return not self.trust.all() and self._on_offer is None and self._prompt is None

    async def _async_join(self, session: aiohttp.ClientSession, url: str,
                          advertised: str | None, code: str | None) -> JoinedFarm:
        known = self.trust.get(advertised) if advertised else None
        # A farm paired before is spoken to only over its pinned certificate, from the
        # first byte: an impostor with a copied advert cannot even say hello.
        client = CoordinatorClient(session, url, self.identity.node_id,
                                   certificate=known.certificate if known else None)
        hello = await client.async_hello()
        trusted = self.trust.get(hello.fingerprint)
        if trusted is None:
            trusted = await self._async_pair(client, hello.name, hello.fingerprint, code)
        client.secret = trusted.secret
        client.pin(trusted.certificate)
        self._preferred = hello.fingerprint
        self.trust.remember_joined(hello.fingerprint)
        self._drop_offer(hello.fingerprint)
        return JoinedFarm(client, hello.name, hello.fingerprint)

    async def _async_pair(self, client: CoordinatorClient, name: str, fingerprint: str,
                          code: str | None) -> TrustedCoordinator:
        label = farm_label(name, fingerprint)
        if not code and self.url and fingerprint not in self._offers \
                and self._on_offer is not None:
            self._put_offer(FarmOffer(name, fingerprint, client.base_url))
        if not code and self.url:
            with self._lock:
                code = self._answers.pop(fingerprint, None)
        if not code and self.url and self._prompt is not None and not self.trust.all():
            code = await self._prompt(label)
        if not code:
            raise NotPaired(f"{client.base_url}: this node is not paired with farm '{label}'; "
                            "run with --code CODE (the code the desktop shows)")
        try:
            paired = await client.async_pair(self.identity.name, code)
        except BadAnswer:
            raise
        except RequestRefused as exc:
            if exc.status == 429:  # other nodes pairing at this moment: wait, try again
                raise CoordinatorGone(f"pairing is paused: {exc.reason}") from None
            self._on_problem(f"farm '{label}' at {client.base_url} refused the code"
                             + (f": {CODE_USED}" if exc.status == 410 else ""))
            if code == self._code:
                self._code_refused.add(client.base_url)
                log.warning("farm '%s' at %s refused the code (%s)%s", label, client.base_url,
                            exc.reason, "" if self.url else "; trying the other farms")
            else:
                log.warning("farm '%s' refused the code typed for it: %s", label, exc.reason)
                used = exc.status == 410  # the dialog says it as a sentence of its own
                self._put_offer(FarmOffer(name, fingerprint, client.base_url,
                                          wrong_code=not used,
                                          problem=f"{CODE_USED[:1].upper()}{CODE_USED[1:]}."
                                          if used else ""))
            raise WrongCode(exc.reason) from None
        if paired.fingerprint != fingerprint:
            raise RequestRefused(409, "the coordinator changed its key during pairing")
        if code == self._code:
            self._code = None  # spent: it belonged to this farm, never to another
        trusted = TrustedCoordinator(paired.coordinator_id, paired.fingerprint, paired.name,
                                     paired.secret, paired.certificate)
        self.trust.remember(trusted)
        log.info("paired with farm '%s'; it will be joined automatically from now on", label)
        return trusted

    def _say(self, message: str) -> None:
        """Log a warning when it differs from the last one (browsing repeats itself)."""
        if message != self._said:
            self._said = message
            log.warning("%s", message)


class WrongCode(Exception):
    """The farm refused the code (already logged, and offered again where one was typed)."""


class NotPaired(Exception):
    """The farm is not paired with this node and no code was at hand."""
