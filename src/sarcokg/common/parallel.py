"""Worker processes that hold nothing of the command and die with it.

A forked worker would inherit the command's lock file (flock belongs to the
open file, which fork shares), so a worker left behind by a killed command
would keep the knowledge graph locked. Workers are spawned instead (fresh
interpreters that inherit none of the command's files) and ask the kernel to
kill them when the command dies (Linux PR_SET_PDEATHSIG), so `kill -9` of a
command leaves no workers behind.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

PR_SET_PDEATHSIG = 1
T = TypeVar("T")
R = TypeVar("R")


def _die_with_parent(parent: int) -> None:
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: workers then end when their queue closes
        return
    if os.getppid() != parent:  # the command died before the call above took effect
        os._exit(1)


def pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_die_with_parent, initargs=(os.getpid(),))


def map_chunks(fn: Callable[[T], R], chunks: Sequence[T], jobs: int) -> list[R]:
    """[fn(c) for c in chunks], in order, computed by jobs - 1 worker processes
    and this one.

    The chunks go to the workers in order, from the first. This process, which
    has everything loaded already, works too: it takes chunks from the end that
    no worker has started (a queued chunk can still be cancelled), so it works
    while the workers start, and the two ends meet in the middle. A pool of
    `jobs` workers beside an idle command would start one interpreter more
    and leave the command's own core waiting. fn must be a module-level
    function (workers are spawned: see above). An exception from any chunk
    is raised here, once the chunks already started have ended."""
    if jobs <= 1 or len(chunks) <= 1:
        return [fn(c) for c in chunks]
    with pool(min(jobs - 1, len(chunks) - 1)) as workers:
        futures = [workers.submit(fn, c) for c in chunks]
        try:
            own: dict[int, R] = {}
            for i in range(len(chunks) - 1, -1, -1):
                if not futures[i].cancel():
                    break     # a worker has it, and every chunk before it
                own[i] = fn(chunks[i])
            return [own[i] if i in own else f.result() for i, f in enumerate(futures)]
        except BaseException:
            for f in futures:   # an error (or Ctrl-C): the chunks not started are dropped, not waited for
                f.cancel()
            raise
