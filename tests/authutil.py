"""A loopback HTTP server that demands a login, Basic (RFC 7617) or Digest
(RFC 7616: MD5, qop=auth, nonce counts checked), for the push and query tests."""
from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.request import parse_http_list, parse_keqv_list

from .netutil import HOST

REALM = "sarcokg-test"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


@dataclass
class Seen:
    method: str
    path: str
    authorized: bool
    authorization: str   # the header as sent ('' when none)
    body: bytes


@dataclass
class AuthServer:
    url: str
    seen: list[Seen] = field(default_factory=list)


class _Digest:
    """The server side of RFC 7616 Digest with MD5 and qop=auth."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password
        self.nonces: dict[str, int] = {}   # nonce -> last nonce count used
        self.lock = threading.Lock()

    def challenge(self) -> str:
        nonce = secrets.token_hex(16)
        with self.lock:
            self.nonces[nonce] = 0
        return f'Digest realm="{REALM}", qop="auth", algorithm=MD5, nonce="{nonce}", opaque="{secrets.token_hex(8)}"'

    def check(self, header: str, method: str, path: str) -> bool:
        if not header.lower().startswith("digest "):
            return False
        f = parse_keqv_list(parse_http_list(header[7:]))
        nonce, uri = f.get("nonce", ""), f.get("uri", "")
        if f.get("username") != self.user or f.get("realm") != REALM or uri != path:
            return False
        ha1 = _md5(f"{self.user}:{REALM}:{self.password}")
        ha2 = _md5(f"{method}:{uri}")
        if f.get("qop") != "auth":
            return False
        expected = _md5(f"{ha1}:{nonce}:{f.get('nc', '')}:{f.get('cnonce', '')}:auth:{ha2}")
        if not hmac.compare_digest(expected, f.get("response", "")):
            return False
        with self.lock:   # a known nonce, its count going up (no replay)
            last = self.nonces.get(nonce)
            count = int(f.get("nc", "0"), 16)
            if last is None or count <= last:
                return False
            self.nonces[nonce] = count
        return True


@contextlib.contextmanager
def auth_server(scheme: str, user: str, password: str, answer=None, server_name: str = "TestStore/1.0"):
    """A server demanding `scheme` ('basic' or 'digest') login as user/password:
    PUT answers 201, HEAD 404, GET and POST `answer(handler)` or 200. (AuthServer)."""
    digest = _Digest(user, password)
    state = AuthServer("")

    class H(BaseHTTPRequestHandler):
        def version_string(self) -> str:
            return server_name

        def _any(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            header = self.headers.get("Authorization") or ""
            if scheme == "basic":
                token = base64.b64encode(f"{user}:{password}".encode()).decode()
                ok = hmac.compare_digest(header, f"Basic {token}")
            else:
                ok = digest.check(header, self.command, self.path)
            state.seen.append(Seen(self.command, self.path, ok, header, body))
            if not ok:
                self.send_response(401)
                self.send_header("WWW-Authenticate", f'Basic realm="{REALM}"' if scheme == "basic"
                                 else digest.challenge())
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "12")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(b"Unauthorized")
                return
            if self.command in ("GET", "POST") and answer is not None:
                answer(self)
                return
            status = {"PUT": 201, "HEAD": 404}.get(self.command, 200)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_PUT = do_HEAD = _any

        def log_message(self, *a) -> None:
            pass

    srv = ThreadingHTTPServer((HOST, 0), H)
    state.url = f"http://{HOST}:{srv.server_address[1]}"
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    t.start()
    try:
        yield state
    finally:
        srv.shutdown()
        srv.server_close()
        t.join(timeout=5)
