#!/usr/bin/env python3
"""Loopback fault-injection proxy for ODP's upload tests.

Forwards each TCP connection to a real server on 127.0.0.1 and, for a configurable share
of connections, injects one fault instead:
  drop-before  close the client connection before anything reaches the server
  drop-after   forward the request, then cut the client off when the server starts to
               answer (the server did the work, the client never hears of it)
  drop-mid     forward, then cut both sides after a random 100–6000 bytes of answer
               (SSH/FTP sessions die mid-way, e.g. after the upload, before the rename)
  stall        accept and go silent for --stall seconds, then close
  500 / 503    answer with that status without forwarding (HTTP only)
  429          answer 429 with `Retry-After: 1` (HTTP only)
  ftp-451 / ftp-452 / ftp-552
               FTP control connections: answer the STOR command with that reply instead of
               passing it on (a server whose disk is full, or that refuses the file)
  ftp-rnto-553 FTP: after a STOR, answer RNTO with 553 (a server that will not rename a
               file over an existing one)
ODP opens one connection per request, so a connection fault is a request fault.

With --fail-after K the first K connections pass untouched and every later one gets a fault
from --modes (--rate is ignored): a run interrupted right after its K-th request, for
testing what an interruption at each point leaves behind.

With --max-body N it also plays a web server's body limit (nginx client_max_body_size):
a request announcing a Content-Length above N is answered 413 before its body is read.

Usage: fault-proxy.py --listen PORT --target PORT [--rate 0.3] [--modes a,b] [--seed N]
                      [--stall 8] [--max-connections N] [--max-body N] [--fail-after K] [--log FILE]
Send SIGTERM to stop. The proxy only ever connects to 127.0.0.1.
"""
import argparse
import asyncio
import random
import signal
import socket
import struct
import sys

HTTP_MODES = ["drop-before", "drop-after", "drop-mid", "stall", "500", "503", "429"]
FTP_REPLIES = {
    "ftp-451": (b"STOR", b"451 Requested action aborted: local error in processing (injected)"),
    "ftp-452": (b"STOR", b"452 Insufficient storage space in system (injected)"),
    "ftp-552": (b"STOR", b"552 Requested file action aborted: exceeded storage allocation (injected)"),
    "ftp-rnto-553": (b"RNTO", b"553 Requested action not taken: file name not allowed (injected)"),
}


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", type=int, required=True)
    p.add_argument("--target", type=int, required=True)
    p.add_argument("--rate", type=float, default=0.3)
    p.add_argument("--modes", default=",".join(HTTP_MODES))
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--stall", type=float, default=8.0)
    p.add_argument("--max-connections", type=int, default=100000)
    p.add_argument("--log", default=None)
    p.add_argument("--max-body", type=int, default=None)
    p.add_argument("--fail-after", type=int, default=None)
    return p.parse_args()


ARGS = parse()
RNG = random.Random(ARGS.seed)
MODES = [m for m in ARGS.modes.split(",") if m]
COUNT = {"connections": 0, "faults": 0}
LOG = open(ARGS.log, "a", buffering=1) if ARGS.log else None


def log(msg):
    if LOG:
        LOG.write(msg + "\n")


def reset(writer):
    """Close with RST, like a crashed peer or a middlebox timeout."""
    sock = writer.get_extra_info("socket")
    try:
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    writer.close()


async def read_http_request(reader):
    """Reads one request head and a Content-Length body (enough to answer it ourselves)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1].strip())
    remaining = length
    while remaining > 0:
        chunk = await reader.read(min(remaining, 1 << 16))
        if not chunk:
            break
        remaining -= len(chunk)


async def pipe(reader, writer, cut_after=None, client_writer=None):
    sent = 0
    try:
        while True:
            data = await reader.read(1 << 16)
            if not data:
                break
            if cut_after is not None and sent + len(data) > cut_after:
                if cut_after > sent:
                    writer.write(data[:cut_after - sent])
                    await writer.drain()
                reset(client_writer)
                return
            sent += len(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def ftp_commands(client_reader, server_writer, client_writer, mode):
    """Passes FTP commands on, answering the one `mode` names itself."""
    verb_wanted, reply = FTP_REPLIES[mode]
    stored = False
    pending = b""
    try:
        while True:
            data = await client_reader.read(1 << 16)
            if not data:
                break
            pending += data
            while b"\r\n" in pending:
                line, pending = pending.split(b"\r\n", 1)
                verb = line.split(b" ", 1)[0].upper()
                if verb == verb_wanted and (verb != b"RNTO" or stored):
                    log(f"ftp {mode}: {line[:80]!r}")
                    client_writer.write(reply + b"\r\n")
                    await client_writer.drain()
                    continue
                stored = stored or verb == b"STOR"
                server_writer.write(line + b"\r\n")
                await server_writer.drain()
    except (ConnectionError, OSError, asyncio.CancelledError):
        pass
    finally:
        try:
            server_writer.close()
        except Exception:
            pass


async def handle(client_reader, client_writer):
    COUNT["connections"] += 1
    n = COUNT["connections"]
    mode = None
    if ARGS.fail_after is not None:
        if n > ARGS.fail_after and MODES:
            mode = RNG.choice(MODES)
            COUNT["faults"] += 1
    elif n <= ARGS.max_connections and MODES and RNG.random() < ARGS.rate:
        mode = RNG.choice(MODES)
        COUNT["faults"] += 1
    log(f"conn {n} fault={mode}")
    try:
        if mode == "drop-before":
            reset(client_writer)
            return
        if mode == "stall":
            await asyncio.sleep(ARGS.stall)
            reset(client_writer)
            return
        if mode in ("500", "503", "429"):
            await read_http_request(client_reader)
            extra = "Retry-After: 1\r\n" if mode == "429" else ""
            body = b'{"success": false, "error": {"message": "injected fault"}}'
            client_writer.write((f"HTTP/1.1 {mode} Injected\r\nContent-Type: application/json\r\n{extra}"
                                 f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body)
            await client_writer.drain()
            client_writer.close()
            return
        head = b""
        if ARGS.max_body is not None:
            head = await client_reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1].strip())
            if length > ARGS.max_body:
                log(f"conn {n} 413 content-length={length}")
                body = b"<html><body><h1>413 Request Entity Too Large</h1></body></html>"
                client_writer.write(b"HTTP/1.1 413 Request Entity Too Large\r\nContent-Type: text/html\r\n"
                                    + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
                await client_writer.drain()
                client_writer.close()
                return
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", ARGS.target)
        if head:
            server_writer.write(head)
        if mode in FTP_REPLIES:
            up = asyncio.create_task(ftp_commands(client_reader, server_writer, client_writer, mode))
        else:
            up = asyncio.create_task(pipe(client_reader, server_writer))
        cut = 0 if mode == "drop-after" else RNG.randint(100, 6000) if mode == "drop-mid" else None
        down = asyncio.create_task(pipe(server_reader, client_writer, cut_after=cut, client_writer=client_writer))
        await asyncio.wait([up, down], return_when=asyncio.FIRST_COMPLETED if cut is not None else asyncio.ALL_COMPLETED)
        if cut is not None:
            up.cancel()
            server_writer.close()
    except (ConnectionError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        try:
            client_writer.close()
        except Exception:
            pass


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", ARGS.listen)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
    log(f"done connections={COUNT['connections']} faults={COUNT['faults']}")


if __name__ == "__main__":
    asyncio.run(main())
