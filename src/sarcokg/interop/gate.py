"""The door in front of `sarcokg serve`: no SERVICE, and a warning off loopback.

The Oxigraph server runs SERVICE clauses, sending requests to any IRI a query
names: anyone who can reach the endpoint could make the host fetch URLs for
them (server-side request forgery), and it has no switch to turn that off.
So, unless --allow-service is given, the server listens on a private loopback
port and this relay listens on the address the user chose: it reads each
SPARQL query (GET ?query=, POST form or application/sparql-query), refuses one
that uses SERVICE (query/guard.py, decided on a SPARQL parser's algebra) with
403 and a one-line reason, and passes everything else through unchanged.
"""
from __future__ import annotations

import http.client
import ipaddress
import signal
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from sarcokg.query.guard import SERVICE_OFF, uses_service

# headers of one connection, not of the message (RFC 9110 7.6.1)
_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "content-length", "host"}


def network_warning(host: str) -> str | None:
    """A warning when host is not a loopback address (the graph is then on the network)."""
    try:
        addrs = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        return None   # check_port() says so
    if all(ipaddress.ip_address(a.split("%", 1)[0]).is_loopback for a in addrs):
        return None
    return (f"sarcokg: warning: --host {host} is not a loopback address: the graph is now reachable from the "
            "network by anyone who can reach this machine, without authentication (see docs/security.md)")


def queries_in(path: str, content_type: str, body: bytes) -> list[str]:
    """The SPARQL query texts of one request (URL and body)."""
    found = parse_qs(urlsplit(path).query).get("query", [])
    kind = content_type.split(";", 1)[0].strip().lower()
    text = body.decode("utf-8", errors="replace")
    if kind == "application/x-www-form-urlencoded":
        found += parse_qs(text).get("query", [])
    elif kind == "application/sparql-query":
        found.append(text)
    return found


class _Relay(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"   # one request per connection, the body ends with it
    backend: tuple[str, int] = ("127.0.0.1", 0)
    wait: float = 60.0

    def log_message(self, format, *args) -> None:   # noqa: A002  (the base class's name)
        pass

    def _refuse(self, status: int, message: str) -> None:
        data = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _relay(self) -> None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self._refuse(411, "send the request with a Content-Length")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        if any(uses_service(q) for q in queries_in(self.path, self.headers.get("Content-Type", ""), body)):
            self._refuse(403, SERVICE_OFF.replace("give --allow-service", "start the endpoint with --allow-service"))
            return
        conn = http.client.HTTPConnection(*self.backend, timeout=self.wait)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            headers["Host"] = f"{self.backend[0]}:{self.backend[1]}"
            conn.request(self.command, self.path, body=body or None, headers=headers)
            resp = conn.getresponse()
            self.send_response_only(resp.status, resp.reason)
            for k, v in resp.getheaders():
                if k.lower() not in _HOP:
                    self.send_header(k, v)
            self.send_header("Connection", "close")
            self.end_headers()
            while chunk := resp.read(1 << 16):
                self.wfile.write(chunk)
        except OSError:
            self.close_connection = True
        finally:
            conn.close()

    do_GET = do_POST = do_HEAD = do_OPTIONS = do_PUT = do_DELETE = _relay


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr, handler, family):
        self.address_family = family
        super().__init__(addr, handler)


def server_address(host: str, port: int, allow_service: bool, announce) -> tuple[str, int]:
    """Where the Oxigraph server listens: host:port itself with allow_service,
    else a free loopback port behind the gate. Warns when host is not loopback."""
    warning = network_warning(host)
    if warning:
        announce(warning)
    return (host, port) if allow_service else ("127.0.0.1", free_loopback_port())


def open_door(public: tuple[str, int], backend_port: int, wait: float,
              allow_service: bool) -> ThreadingHTTPServer | None:
    """The gate on the public address (None with allow_service: the server is there)."""
    return None if allow_service else start_gate(*public, backend_port=backend_port, wait=wait)


def close(door: ThreadingHTTPServer | None) -> None:
    if door is not None:
        door.shutdown()
        door.server_close()


def start_gate(host: str, port: int, backend_port: int, wait: float) -> ThreadingHTTPServer:
    """Listen on host:port, relaying to the server on 127.0.0.1:backend_port; serving on a thread."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    handler = type("Relay", (_Relay,), {"backend": ("127.0.0.1", backend_port), "wait": wait})
    server = _Server((host, port), handler, family)
    threading.Thread(target=_serve, args=(server,), name="sarcokg-gate", daemon=True).start()
    return server


def _serve(server: ThreadingHTTPServer) -> None:
    # SIGTERM and Ctrl-C go to the main thread (serve.py waits for them there): a
    # signal taken by this thread or its request threads would not interrupt that wait
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    server.serve_forever()


def free_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
