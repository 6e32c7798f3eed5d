"""Running the app: the loopback rule, the listening socket and uvicorn, in the foreground or in a
thread (tests, benchmarks)."""

from __future__ import annotations

import gc
import ipaddress
import socket
import threading
import time
from typing import Any

from kg.errors import KgError, UsageError

__all__ = ["ALL_INTERFACES", "ThreadedServer", "check_host", "listen", "need_extra", "run"]

# Asked for by name only: any other address that is not loopback is refused.
ALL_INTERFACES = ("0.0.0.0", "::")
EXTRA = "kg serve needs the serve extra: pip install 'paper-kg[serve]'"


def need_extra() -> None:
    """A one-line error naming the extra when starlette or uvicorn is missing."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise KgError(EXTRA) from None


def check_host(host: str) -> bool:
    """True for a loopback host; True (all interfaces) only for 0.0.0.0 or :: given explicitly.

    Any other address is refused: the app has no authentication, so whoever can reach the port
    can read the graph.
    """
    if host == "localhost":
        return True
    if host in ALL_INTERFACES:
        return False
    try:
        if ipaddress.ip_address(host).is_loopback:
            return True
    except ValueError:
        pass
    raise UsageError(
        f"kg serve listens on loopback only (127.0.0.1, ::1, localhost), not {host!r}: it has no login, so "
        "anyone who reaches the port reads the graph. To listen on every interface, pass --host 0.0.0.0 explicitly"
    )


def listen(host: str, port: int) -> socket.socket:
    """A bound, listening socket, or a one-line error (port in use, no such address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto named: asyncio turns Nagle off (TCP_NODELAY) only on sockets whose proto is TCP, and
    # with Nagle on, a keep-alive response waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    sock.listen(128)
    return sock


def _server(app: Any) -> Any:
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False)
    return uvicorn.Server(config)


def run(app: Any, sock: socket.socket) -> None:
    """Serve until Ctrl-C."""
    # The graph and the index are millions of objects that live as long as the process: frozen out
    # of the collector, since a full collection walking them paused a request for seconds.
    gc.collect()
    gc.freeze()
    _server(app).run(sockets=[sock])


class ThreadedServer:
    """The app on a free loopback port in a background thread: ``with ThreadedServer(app) as url``."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sock = listen(host, port)
        self.url = f"http://{host}:{self.sock.getsockname()[1]}"
        self.server = _server(app)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
