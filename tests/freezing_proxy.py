"""A TCP proxy on 127.0.0.1 that can stop forwarding: a database server that froze.

Its sockets stay open and the kernel still acknowledges every packet, as for a server that is
stopped, swapping or behind a stuck network device, so neither side sees an error: only a bound
on the wait can end it. New connections are accepted and then left unanswered too. A few lines
of asyncio on a thread of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator

from sqlalchemy.engine import make_url


class FreezingProxy:
    """Forwards 127.0.0.1:port to the server; freeze() stops it, thaw() lets it go on."""

    def __init__(self, host: str, port: int, *, freeze_on: bytes | None = None) -> None:
        self.target = (host, port)
        #: Freeze as soon as the client sends these bytes (held back, like all that follows).
        self.freeze_on = freeze_on
        self.port = 0
        self.froze = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._forwarding: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="freezing proxy", daemon=True)
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    def url(self, server_url: str) -> str:
        """*server_url* through this proxy."""
        return make_url(server_url).set(port=self.port).render_as_string(hide_password=False)

    def freeze(self) -> None:
        """Stop forwarding, in both directions and for new connections."""
        self._loop.call_soon_threadsafe(self._freeze)

    def thaw(self) -> None:
        """Forward again (what was held back goes on)."""
        assert self._forwarding is not None
        self._loop.call_soon_threadsafe(self._forwarding.set)
        self.froze.clear()

    def _freeze(self) -> None:
        assert self._forwarding is not None
        self._forwarding.clear()
        self.froze.set()

    def __enter__(self) -> FreezingProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *_exc: object) -> None:
        # Every socket closed before the test ends (tests check the process holds none).
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.transport.abort()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._server.wait_closed()
        await asyncio.sleep(0)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._forwarding = asyncio.Event()
        self._forwarding.set()
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.CancelledError):  # cancelled when the proxy stops
            await self._forward(reader, writer)

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self._forwarding is not None
        self._writers.add(writer)
        await self._forwarding.wait()  # a new connection to a frozen server: no answer
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers.add(up_writer)
        await asyncio.gather(
            self._pipe(reader, up_writer, watch=True),
            self._pipe(up_reader, writer, watch=False),
            return_exceptions=True,
        )

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, watch: bool
    ) -> None:
        assert self._forwarding is not None
        try:
            while data := await source.read(65536):
                if watch and self.freeze_on is not None and self.freeze_on in data:
                    self._freeze()
                await self._forwarding.wait()
                sink.write(data)
                await sink.drain()
        finally:
            sink.close()


@contextlib.contextmanager
def freezing_proxy(
    host: str, port: int, *, freeze_on: bytes | None = None
) -> Iterator[FreezingProxy]:
    """A running FreezingProxy to host:port."""
    with FreezingProxy(host, port, freeze_on=freeze_on) as proxy:
        yield proxy
