"""A PostgreSQL wire-protocol proxy that counts the statements clients send (any client: asyncpg,
node-postgres). Counted: simple queries ('Q') and executions of prepared portals ('E'); both
split into transaction control (BEGIN/COMMIT/ROLLBACK/SET…) and the rest. Used only while the
benchmark verifies answers, never under load. Needs sslmode off (the benchmark's URLs say so).
"""

from __future__ import annotations

import asyncio
import re
import struct
import threading
from dataclasses import dataclass, field

CONTROL = re.compile(rb"\s*(BEGIN|COMMIT|ROLLBACK|START|SET|RESET|DISCARD|SAVEPOINT|RELEASE|DEALLOCATE|SHOW)\b"
                     rb"|\s*SELECT pg_advisory_unlock_all\(\)", re.I)  # the last: asyncpg's pool resetting a connection


@dataclass
class Counts:
    statements: int = 0
    control: int = 0
    texts: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.statements = self.control = 0
        self.texts.clear()


class Proxy:
    def __init__(self, upstream_port: int = 5432):
        self.upstream_port = upstream_port
        self.counts = Counts()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Proxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        prepared: dict[bytes, bytes] = {}  # statement name -> SQL
        portals: dict[bytes, bytes] = {}  # portal name -> SQL

        async def client_to_server() -> None:
            # untyped start-up messages first (SSLRequest answered 'N' by the server, then StartupMessage)
            started = False
            while not started:
                head = await reader.readexactly(8)
                length, code = struct.unpack("!ii", head)
                rest = await reader.readexactly(length - 8)
                up_writer.write(head + rest)
                await up_writer.drain()
                started = code != 80877103  # not an SSLRequest
            while True:
                kind = await reader.readexactly(1)
                length = struct.unpack("!i", await reader.readexactly(4))[0]
                body = await reader.readexactly(length - 4)
                if kind == b"Q":
                    self._note(body.rstrip(b"\0"))
                elif kind == b"P":
                    name, _, rest = body.partition(b"\0")
                    prepared[name] = rest.partition(b"\0")[0]
                elif kind == b"B":
                    portal, _, rest = body.partition(b"\0")
                    portals[portal] = prepared.get(rest.partition(b"\0")[0], b"")
                elif kind == b"E":
                    self._note(portals.get(body.partition(b"\0")[0], b""))
                up_writer.write(kind + struct.pack("!i", length) + body)
                await up_writer.drain()

        async def server_to_client() -> None:
            try:
                while data := await up_reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            finally:
                writer.close()  # the server hung up (e.g. after Terminate): so does the client side

        async def forward() -> None:
            try:
                await client_to_server()
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                up_writer.close()

        try:
            await asyncio.gather(forward(), server_to_client(), return_exceptions=True)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            up_writer.close()

    def _note(self, sql: bytes) -> None:
        if CONTROL.match(sql):
            self.counts.control += 1
        else:
            self.counts.statements += 1
            self.counts.texts.append(sql.decode(errors="replace")[:200])
