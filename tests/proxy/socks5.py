#!/usr/bin/env python3
"""A small SOCKS5 proxy (RFC 1928, with RFC 1929 username/password) for the
proxy tests: loopback only, logs one "CONNECT host:port user" line per tunnel.

Debian's dante-server needs system accounts for its username method, so the
authenticated case would need a user added to the machine; this stays inside
the test's own temporary directory instead."""
import argparse
import asyncio
import socket
import struct
import sys


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def handle(reader, writer, args, log):
    try:
        ver, nmethods = await reader.readexactly(2)
        methods = await reader.readexactly(nmethods)
        want = 2 if args.user else 0
        if ver != 5 or want not in methods:
            writer.write(b"\x05\xff")
            return
        writer.write(bytes([5, want]))
        user = "-"
        if want == 2:
            _, ulen = await reader.readexactly(2)
            name = (await reader.readexactly(ulen)).decode()
            plen = (await reader.readexactly(1))[0]
            password = (await reader.readexactly(plen)).decode()
            ok = name == args.user and password == args.password
            writer.write(b"\x01\x00" if ok else b"\x01\x01")
            if not ok:
                log.write(f"AUTH-FAILED {name}\n")
                log.flush()
                return
            user = name
        ver, cmd, _, atyp = await reader.readexactly(4)
        if atyp == 1:
            host = socket.inet_ntoa(await reader.readexactly(4))
        elif atyp == 3:
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        elif atyp == 4:
            host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
        else:
            return
        port = struct.unpack("!H", await reader.readexactly(2))[0]
        if cmd != 1 or host not in ("127.0.0.1", "localhost", "::1"):
            writer.write(b"\x05\x02\x00\x01\x00\x00\x00\x00\x00\x00")  # loopback only
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.write(b"\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00")
            return
        log.write(f"CONNECT {host}:{port} {user}\n")
        log.flush()
        writer.write(b"\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x00")
        await writer.drain()
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--log", required=True)
    ap.add_argument("--user")
    ap.add_argument("--password")
    args = ap.parse_args()
    log = open(args.log, "a", encoding="utf-8")
    server = await asyncio.start_server(lambda r, w: handle(r, w, args, log), "127.0.0.1", args.port)
    print(f"READY port={server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
