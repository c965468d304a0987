"""A read-only SPARQL 1.1 Protocol endpoint over a knowledge-graph folder.

The endpoint is the Oxigraph server (the `oxigraph` package from PyPI, the
same engine as pyoxigraph), run as `oxigraph serve-read-only` with the default
graph as the union of the named graphs, so a query sees the ontology and
every report the way `sarcokg query` does.

The store: `store.load` brings KG/.sarcokg/store up to date while holding the
folder's lock. The server does not open that store: it serves a snapshot,
a RocksDB backup made with `Store.backup` into KG/.sarcokg/serve-<pid> (hard
links to the immutable table files, so it costs no copy), and then sarcokg
drops its own handle and the lock. Other sarcokg commands (ingest, query)
can then run and write the store while the server runs; the server keeps
answering from the snapshot it was started with: restart it to serve
changes. A folder we cannot write is loaded into memory and copied into a
temporary on-disk store instead.

With `cors` (`sarcokg serve --cors`, off by default) the server answers
cross-origin requests (Oxigraph's `--cors`: Access-Control-Allow-Origin on
answers to a request with an Origin header, and the preflight OPTIONS), so a
page on another origin such as YASGUI can query it. The snapshot is removed when the server
stops (Ctrl-C, SIGTERM), and a stale one left by a killed server is removed
at the next start.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError, SarcoKGError, ToolMissing

READY_WAIT_S = 30.0


def oxigraph_binary() -> str:
    """The `oxigraph` executable of the environment sarcokg runs in, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ToolMissing("the Oxigraph server is not installed (pip install 'oxigraph>=0.5,<0.6')")


def check_port(host: str, port: int) -> None:
    """Fail with one line when host:port cannot be listened on (in use, no such address)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise InputError(f"--host {host}: cannot resolve ({e.strerror})") from None
    family, _, _, _, addr = infos[0]
    s = socket.socket(family, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(addr)
        s.listen(1)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            raise InputError(f"{host}:{port}: port already in use; choose another with --port") from None
        raise InputError(f"{host}:{port}: cannot listen here ({e.strerror})") from None
    finally:
        s.close()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(cache: Path) -> None:
    for d in cache.glob("serve-*"):
        try:
            pid = int(d.name.split("-", 1)[1])
        except ValueError:
            continue
        if pid != os.getpid() and not _pid_alive(pid):
            shutil.rmtree(d, ignore_errors=True)


def snapshot(kg: Path) -> tuple[Path, int]:
    """Bring the store up to date and make a snapshot for the server: (folder, reports).

    Releases this process's handle on the store and the folder's lock."""
    from sarcokg.store import kgstore as st
    kgraph = st.load(kg)
    n = len(kgraph.reports)
    if st.holds(kg):  # on-disk store: back it up beside itself (hard links)
        cache = kg / st.CACHE_DIR
        _remove_stale(cache)
        target = cache / f"serve-{os.getpid()}"
        shutil.rmtree(target, ignore_errors=True)
        try:
            kgraph.store.backup(str(target))
        except OSError as e:
            raise InputError(f"{kg}: cannot snapshot the query store for serving ({e})") from None
        # Drop our handle and the lock: the server reads only the snapshot.
        del kgraph
        st.release(kg)
        return target, n
    target = Path(tempfile.mkdtemp(prefix="sarcokg-serve-")) / "store"
    disk = ox.Store(str(target))
    disk.bulk_extend(kgraph.store.quads_for_pattern(None, None, None, None))
    disk.flush()
    del disk, kgraph
    return target, n


def _die_with_parent() -> None:  # runs in the child before exec (Linux): stop when sarcokg dies
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _ready(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _last_line(path: Path) -> str:
    try:
        lines = [ln.strip() for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return lines[-1][:200] if lines else ""


class _Stop(Exception):
    pass


def serve(kg: Path, host: str, port: int, timeout: float, announce=print, allow_service: bool = False,
          cors: bool = False) -> int:
    """Run the server until Ctrl-C or SIGTERM; the exit code. Without
    allow_service, queries reach the server through interop/gate.py, which
    refuses SERVICE. With cors, cross-origin requests are answered (the gate
    passes the headers and the preflight OPTIONS through)."""
    from sarcokg.interop import gate
    binary = oxigraph_binary()
    if timeout <= 0:
        raise InputError(f"--timeout {timeout}: must be more than 0 seconds")
    public = (host, port)
    host, port = gate.server_address(host, port, allow_service, announce)   # warns off loopback
    check_port(*public)
    location, n = snapshot(kg)
    log = Path(tempfile.mkstemp(prefix="sarcokg-serve-", suffix=".log")[1])
    cmd = [binary, "serve-read-only", "--location", str(location), "--bind", f"{host}:{port}",
           "--union-default-graph", "--timeout-s", str(max(1, round(timeout)))] + (["--cors"] if cors else [])
    proc: subprocess.Popen | None = None
    door = None

    def on_term(signum, frame):
        raise _Stop()

    old_term = signal.signal(signal.SIGTERM, on_term)
    try:
        with open(log, "wb") as errf:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errf,
                                    preexec_fn=_die_with_parent)
        deadline = time.monotonic() + READY_WAIT_S
        while not _ready(host, port):
            if proc.poll() is not None:
                why = _last_line(log)
                if "in use" in why.lower():
                    raise InputError(f"{host}:{port}: port already in use; choose another with --port")
                raise SarcoKGError(f"the Oxigraph server stopped at start: {why or f'exit {proc.returncode}'}")
            if time.monotonic() > deadline:
                raise SarcoKGError(f"the Oxigraph server did not listen on {host}:{port} "
                                   f"within {READY_WAIT_S:.0f} s")
            time.sleep(0.05)
        door = gate.open_door(public, port, timeout + 30, allow_service)
        host, port = public
        shown = f"[{host}]" if ":" in host else host
        allowed = "; cross-origin requests allowed" if cors else ""
        announce(f"sarcokg: serving {kg} ({n} reports, read-only) at http://{shown}:{port}/query "
                 f"(SPARQL 1.1 Protocol; query timeout {timeout:g} s{allowed}); Ctrl-C stops")
        code = proc.wait()
        why = _last_line(log)
        raise SarcoKGError(f"the Oxigraph server stopped (exit {code}){': ' + why if why else ''}")
    except (KeyboardInterrupt, _Stop):
        return 0
    finally:
        signal.signal(signal.SIGTERM, old_term)
        gate.close(door)
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        shutil.rmtree(location, ignore_errors=True)
        if location.name == "store":  # temporary folder of an in-memory knowledge graph
            shutil.rmtree(location.parent, ignore_errors=True)
        try:
            log.unlink()
        except OSError:
            pass
