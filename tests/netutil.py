"""Loopback-only helpers for the network tests: free ports, servers started and
always stopped, bounded waits."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"
WAIT_S = 30.0
OXIGRAPH = str(Path(sys.executable).parent / "oxigraph")
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_listening(port: int, proc: subprocess.Popen | None = None, wait: float = WAIT_S) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {HOST}:{port} after {wait} s")


def port_closed(port: int, wait: float = 10.0) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                pass
        except OSError:
            return True
        time.sleep(0.05)
    return False


def stop(proc: subprocess.Popen, sig=signal.SIGTERM, wait: float = 15.0) -> int:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=wait)
    return proc.returncode


def http(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None,
         timeout: float = 30.0) -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with _NO_PROXY.open(req, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def sparql(endpoint: str, query: str, timeout: float = 30.0) -> dict:
    status, ctype, body = http(endpoint, urllib.parse.urlencode({"query": query}).encode(),
                               {"Content-Type": "application/x-www-form-urlencoded",
                                "Accept": "application/sparql-results+json"}, timeout=timeout)
    assert status == 200, (status, body[:300])
    assert ctype.startswith("application/sparql-results+json"), ctype
    return json.loads(body)


@contextlib.contextmanager
def oxigraph_rw(tmp_path: Path, union: bool = True):
    """The writable Oxigraph server on a free loopback port: (base URL)."""
    port = free_port()
    log = open(tmp_path / "oxigraph.log", "wb")
    cmd = [OXIGRAPH, "serve", "--location", str(tmp_path / "remote-store"), "--bind", f"{HOST}:{port}"]
    proc = subprocess.Popen(cmd + (["--union-default-graph"] if union else []), stdout=log, stderr=log,
                            stdin=subprocess.DEVNULL)
    try:
        wait_listening(port, proc)
        yield f"http://{HOST}:{port}"
    finally:
        stop(proc)
        log.close()


@contextlib.contextmanager
def silent_server():
    """A socket server that accepts connections and never answers: (port)."""
    srv = socket.socket()
    srv.bind((HOST, 0))
    srv.listen(16)
    port = srv.getsockname()[1]
    conns, done = [], threading.Event()

    def accept():
        srv.settimeout(0.2)
        while not done.is_set():
            try:
                c, _ = srv.accept()
                conns.append(c)
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        yield port
    finally:
        done.set()
        t.join(timeout=5)
        for c in conns:
            c.close()
        srv.close()


@contextlib.contextmanager
def fake_http(handler_fn):
    """A tiny HTTP server on loopback; handler_fn(handler, method) answers: (base URL, request log)."""
    seen: list[tuple[str, str]] = []

    class H(BaseHTTPRequestHandler):
        def _any(self):
            n = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(n)
            seen.append((self.command, self.path))
            handler_fn(self, self.command, len(seen))

        do_GET = do_POST = do_PUT = _any

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer((HOST, 0), H)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    t.start()
    try:
        yield f"http://{HOST}:{srv.server_address[1]}", seen
    finally:
        srv.shutdown()
        srv.server_close()
        t.join(timeout=5)


def reply(handler, status: int, ctype: str, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", ctype)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@contextlib.contextmanager
def non_http_server():
    """A server that speaks another protocol: it greets with a line and closes: (port)."""
    srv = socket.socket()
    srv.bind((HOST, 0))
    srv.listen(16)
    port = srv.getsockname()[1]
    done = threading.Event()

    def serve():
        srv.settimeout(0.2)
        while not done.is_set():
            try:
                c, _ = srv.accept()
            except OSError:
                continue
            with c:
                try:
                    c.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
                    c.settimeout(0.5)
                    c.recv(1024)
                except OSError:
                    pass

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        yield port
    finally:
        done.set()
        t.join(timeout=5)
        srv.close()


def env_without_proxy() -> dict:
    env = dict(os.environ)
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(k, None)
    return env
