"""A TCP proxy in front of PostgreSQL that counts what clients ask of it, for the benchmarks.

Independent of the client code (it reads the wire protocol), so the same count applies to any
version of the bot: statements executed (simple queries and extended-protocol Executes), round
trips (each simple query and each Sync is one wait for the server) and transactions (BEGIN).
Statements are also counted by their first words (``INSERT INTO telegram_messages``...), to see
which ones an update runs. SSL is declined so the stream stays readable: local use only.
"""

from __future__ import annotations

import asyncio
import re
import struct
from collections import Counter
from dataclasses import dataclass, field

_SSL_REQUEST = 80877103
_GSS_REQUEST = 80877104


@dataclass
class WireCounts:
    statements: int = 0
    round_trips: int = 0
    transactions: int = 0
    by_statement: Counter[str] = field(default_factory=Counter)

    def snapshot(self) -> WireCounts:
        return WireCounts(self.statements, self.round_trips, self.transactions, Counter(self.by_statement))

    def since(self, earlier: WireCounts) -> WireCounts:
        return WireCounts(
            self.statements - earlier.statements, self.round_trips - earlier.round_trips,
            self.transactions - earlier.transactions, self.by_statement - earlier.by_statement,
        )


def statement_kind(sql: str) -> str:
    """``INSERT INTO telegram_messages``, ``SELECT ... FROM portfolios``, ``BEGIN``: enough to tell them apart."""
    text = " ".join(sql.split())
    verb = text.split(" ", 1)[0].rstrip(";").upper() if text else "?"
    table = re.search(r"\b(?:INTO|FROM|UPDATE)\s+([\w.\"]+)", text, re.IGNORECASE)
    return f"{verb} {table.group(1).strip(chr(34))}" if table else verb


class PgWireCounter:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self.counts = WireCounts()
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            startup = await self._startup(client_reader, client_writer)
            server_reader, server_writer = await asyncio.open_connection(*self._upstream)
        except (OSError, asyncio.IncompleteReadError):
            client_writer.close()
            return
        server_writer.write(startup)
        back = asyncio.create_task(_pipe(server_reader, client_writer))
        try:
            await self._forward_counting(client_reader, server_writer)
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            server_writer.close()
            await back

    @staticmethod
    async def _startup(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
        """The startup packet, after declining SSL and GSS encryption (the client goes on in clear)."""
        while True:
            (length,) = struct.unpack("!I", await reader.readexactly(4))
            body = await reader.readexactly(length - 4)
            if struct.unpack("!I", body[:4])[0] in (_SSL_REQUEST, _GSS_REQUEST):
                writer.write(b"N")
                await writer.drain()
                continue
            return struct.pack("!I", length) + body

    async def _forward_counting(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        prepared: dict[bytes, str] = {}  # statement name -> SQL
        portals: dict[bytes, str] = {}  # portal name -> SQL
        counts = self.counts
        while True:
            header = await reader.readexactly(5)
            kind, length = header[:1], struct.unpack("!I", header[1:])[0]
            body = await reader.readexactly(length - 4)
            writer.write(header + body)
            if kind == b"Q":
                self._count(body.rstrip(b"\0").decode(errors="replace"))
                counts.round_trips += 1
            elif kind == b"P":
                name, rest = body.split(b"\0", 1)
                prepared[name] = rest.split(b"\0", 1)[0].decode(errors="replace")
            elif kind == b"B":
                portal, rest = body.split(b"\0", 1)
                portals[portal] = prepared.get(rest.split(b"\0", 1)[0], "?")
            elif kind == b"E":
                self._count(portals.get(body.split(b"\0", 1)[0], "?"))
            elif kind == b"S":
                counts.round_trips += 1
            elif kind == b"X":
                await writer.drain()
                return
            await writer.drain()

    def _count(self, sql: str) -> None:
        kind = statement_kind(sql)
        self.counts.statements += 1
        self.counts.by_statement[kind] += 1
        if kind in ("BEGIN", "START"):
            self.counts.transactions += 1


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()
