"""Worker processes that do not inherit the folder lock.

A forked worker would inherit the lock file of the command (flock belongs to
the open file, which fork shares), so a worker left behind by a killed
command would keep the knowledge graph locked. Workers start from a fork
server instead, a fresh interpreter that holds none of the command's files.
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor


def pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"))
