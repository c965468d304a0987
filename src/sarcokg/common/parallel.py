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
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1


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
