"""Keeps the farm's server alive whatever connects to it: caps, deadlines, descriptors.

Anyone on the LAN can open TCP connections to the coordinator. Without limits,
about 1,100 idle connections exhaust the usual 1,024 file descriptors and the
coordinator can no longer open its own files. So every accepted socket passes
through ``ConnectionGuard``:

* a global cap below the descriptor limit (whose soft value is raised at start
  where the OS allows), so the job's files always have descriptors left;
* per address, a cap on connections that have not yet carried an authenticated
  request ("unproven"), so one machine cannot take every slot;
* unproven connections live at most ``unproven_lifetime`` seconds (slow headers,
  a stalled TLS handshake or plain idling end there), and when the cap is reached
  the oldest unproven connection of the address holding the most makes room;
* a paired node needs a handful of connections (a lease asked ahead, a beat, an
  upload): it keeps at most ``per_node`` proven ones, and one address at most
  ``per_peer_proven``; a further one replaces its least recently used. One paired
  node's 768 keep-alive connections once filled the cap and shut every new node out.
  When the cap is full of proven connections, the node holding the most gives up
  its least recently used one, so a node arriving can always get in.

Plain Python over sockets (no aiohttp), so the policy is testable on its own.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

RESERVED_FDS = 256
"""Descriptors kept for the coordinator's own files, pipes and mDNS sockets."""
MAX_CONNECTIONS = 4096
PER_PEER_UNPROVEN = 32
PER_NODE = 8
"""Proven connections one paired node may keep (it uses two or three at once)."""
PER_PEER_PROVEN = 16
"""Proven connections from one address (two nodes on one PC, say)."""
UNPROVEN_LIFETIME_S = 20.0
WANTED_FD_LIMIT = 8192


def raise_fd_limit(wanted: int = WANTED_FD_LIMIT) -> int:
    """Raise the soft open-file limit towards ``wanted`` (never above the hard limit).

    Returns the soft limit in force afterwards; on systems without the notion
    (Windows), a generous figure the caps can be computed from.
    """
    if sys.platform == "win32":
        return wanted
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
    return int(soft) if soft != resource.RLIM_INFINITY else wanted


def connection_cap(fd_limit: int) -> int:
    """How many connections the server holds at most, given the descriptor limit."""
    return max(16, min(MAX_CONNECTIONS, fd_limit - RESERVED_FDS))


@dataclass
class _Conn:
    sock: socket.socket
    peer: str
    opened: float
    proven: bool = False
    node: str = ""
    used: float = 0.0  # when it last carried an authenticated request
    fd: int = field(init=False)

    def __post_init__(self) -> None:
        self.fd = self.sock.fileno()

    @property
    def alive(self) -> bool:
        return self.sock.fileno() != -1


class ConnectionGuard:
    """Decides which accepted sockets are served, and drops the ones that overstay."""

    def __init__(self, max_connections: int, per_peer_unproven: int = PER_PEER_UNPROVEN,
                 unproven_lifetime: float = UNPROVEN_LIFETIME_S,
                 clock: Callable[[], float] = time.monotonic, per_node: int = PER_NODE,
                 per_peer_proven: int = PER_PEER_PROVEN) -> None:
        self.max_connections = max_connections
        self.per_peer_unproven = per_peer_unproven
        self.per_node = per_node
        self.per_peer_proven = per_peer_proven
        self.unproven_lifetime = unproven_lifetime
        self.clock = clock
        self._conns: dict[int, _Conn] = {}  # by file descriptor
        self.refused = 0
        self.dropped = 0

    def __len__(self) -> int:
        self._prune()
        return len(self._conns)

    def admit(self, sock: socket.socket, peer: str) -> bool:
        """Take a newly accepted socket, or say no (the caller closes it)."""
        self._prune()
        unproven_here = sum(1 for c in self._conns.values() if not c.proven and c.peer == peer)
        if unproven_here >= self.per_peer_unproven:
            self.refused += 1
            return False
        if len(self._conns) >= self.max_connections and not (
                self._evict_oldest_unproven() or self._evict_from_the_greediest()):
            self.refused += 1
            return False
        conn = _Conn(sock, peer, self.clock())
        self._conns[conn.fd] = conn
        return True

    def mark_proven(self, fd: int, node: str = "") -> None:
        """The connection carried a request signed by ``node``: it may stay, within the
        node's and its address's share (their least recently used one goes first)."""
        conn = self._conns.get(fd)
        if conn is None or not conn.alive:
            return
        if conn.proven and conn.node == node:  # its shares were kept when it was proven:
            conn.used = self.clock()           # no scan of every connection per request
            return
        conn.proven, conn.node, conn.used = True, node, self.clock()
        others = [c for c in self._conns.values() if c.proven and c is not conn and c.alive]
        for mine, cap in (([c for c in others if c.node == node], self.per_node),
                          ([c for c in others if c.peer == conn.peer], self.per_peer_proven)):
            mine.sort(key=lambda c: c.used)
            for extra in mine[:max(0, len(mine) + 1 - cap)]:
                if extra.fd in self._conns:
                    self._drop(extra)

    def sweep(self) -> None:
        """Drop unproven connections older than their lifetime (call every second or so)."""
        self._prune()
        now = self.clock()
        for conn in list(self._conns.values()):
            if not conn.proven and now - conn.opened > self.unproven_lifetime:
                self._drop(conn)

    def _evict_oldest_unproven(self) -> bool:
        """Make room: the oldest unproven connection of the address holding the most.

        Not simply the oldest: a flood of fresh connections would then churn out a node
        still pairing or shaking hands before it could prove itself (2,000 hostile
        connections reopened as fast as they were dropped did, once accepting was fast).
        """
        unproven: dict[str, list[_Conn]] = {}
        for conn in self._conns.values():
            if not conn.proven:
                unproven.setdefault(conn.peer, []).append(conn)
        if not unproven:
            return False
        busiest = max(unproven.values(), key=len)
        self._drop(min(busiest, key=lambda c: c.opened))
        return True

    def _evict_from_the_greediest(self) -> bool:
        """Full of proven connections: the node holding the most gives up its oldest."""
        held: dict[str, list[_Conn]] = {}
        for conn in self._conns.values():
            held.setdefault(conn.node, []).append(conn)
        if not held:
            return False
        greediest = max(held.values(), key=len)
        self._drop(min(greediest, key=lambda c: c.used))
        return True

    def _drop(self, conn: _Conn) -> None:
        """End a connection. shutdown(), not close(): its transport closes the descriptor."""
        self._conns.pop(conn.fd, None)
        self.dropped += 1
        with contextlib.suppress(OSError):
            conn.sock.shutdown(socket.SHUT_RDWR)

    def _prune(self) -> None:
        for fd, conn in list(self._conns.items()):
            if not conn.alive:
                del self._conns[fd]
