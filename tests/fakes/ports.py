"""A free TCP port on the loopback, for the servers the tests start (ours and the fakes).

A port the kernel hands out for `bind(0)` is free when asked, but nothing keeps it until the
server binds it: meanwhile another worker of the same run (pytest-xdist), or any program's
outgoing connection, may be handed the same one. So each worker takes its ports in turn from a
slice of its own below the kernel's ephemeral range (where neither `bind(0)` nor outgoing
connections take ports), starting at a random place (another checkout's run may use the same
slice) and skipping any port something has bound."""

from __future__ import annotations

import itertools
import random
import socket
import threading
from pathlib import Path

from fakes.parallel import worker_slot

LOWEST = 10000


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _slice() -> range:
    index, count = worker_slot()
    top = max(_ephemeral_start(), LOWEST + 1000 * count)
    width = (top - LOWEST) // count
    return range(LOWEST + index * width, LOWEST + (index + 1) * width)


_ports = _slice()
_turn = itertools.cycle(itertools.chain(*(lambda start: (_ports[start:], _ports[:start]))(
    random.randrange(len(_ports)))))
_lock = threading.Lock()


def free_port() -> int:
    with _lock:
        for _ in range(len(_ports)):
            port = next(_turn)
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
    raise RuntimeError(f"no free port in {_ports}")
