"""Process lifetime: a terminated run unwinds like Ctrl-C, and workers never outlive their parent."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)


def interrupt_on_sigterm() -> None:
    """SIGTERM raises KeyboardInterrupt, so `kill` cleans up (work folders, workers) as Ctrl-C does."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def die_with_parent(parent: int) -> None:
    """Ask Linux to send SIGTERM when the parent dies, however it dies (SIGKILL included)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def become_worker(parent: int) -> None:
    """In a worker process: SIGTERM unwinds like Ctrl-C (so its work folder is cleaned), and it
    dies with ``parent``."""
    interrupt_on_sigterm()
    die_with_parent(parent)
