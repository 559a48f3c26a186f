"""Stop a runaway query: run it in a forked child and kill the child when time is up.

pyoxigraph cannot interrupt a query, and a thread cannot be killed, so the only clean way
to stop one is to run it in a process of its own. A forked child shares the open store
(copy-on-write, read-only), runs the call, and sends the pickled answer back through a
pipe; on expiry the parent kills it and stays healthy. Without a timeout callers keep
the in-process path, which costs nothing.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from typing import TypeVar

from .errors import UserError

T = TypeVar("T")
_CHUNK = 1 << 16
_PR_SET_PDEATHSIG = 1


class QueryTimeout(UserError):
    """The call ran out of time and was stopped."""


def supported() -> bool:
    return hasattr(os, "fork")


def call_with_timeout(func: Callable[[], T], seconds: float) -> T:
    """``func()`` in a forked child; its result (or exception) comes back pickled.

    Raises QueryTimeout when the child has not answered within ``seconds`` (it is
    killed), and re-raises in the parent whatever the child raised. ``math.inf`` means no
    deadline: the call can still be stopped with Ctrl-C, which kills the child.
    """
    if seconds <= 0:
        raise UserError("--timeout must be a positive number of seconds")
    if not supported():
        raise UserError("--timeout needs a system with fork(); run without it")
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: answer once, then leave without running the parent's cleanup
        os.close(read_end)
        _die_with(parent)
        _child(func, write_end)
    os.close(write_end)
    try:
        payload = _read_until(read_end, time.monotonic() + seconds)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(read_end)
    if payload is None:
        _kill(pid)
        raise QueryTimeout(f"query stopped after {seconds:g} s (--timeout); narrow it or allow more time")
    os.waitpid(pid, 0)
    if not payload:
        raise UserError("the query process died without an answer")
    ok, value = pickle.loads(payload)
    if ok:
        return value
    raise value


def _die_with(parent: int) -> None:
    """Ask Linux to kill this child if the parent dies (a killed `kg` leaves no runaway query)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the child still ends when its query does
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _child(func: Callable[[], object], write_end: int) -> None:
    status = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        try:
            message = (True, func())
        except Exception as exc:  # noqa: BLE001 - shipped to the parent, which decides
            message = (False, exc)
        try:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an unpicklable answer is still an answer
            data = pickle.dumps((False, UserError(f"cannot return the answer: {exc}")))
        view = memoryview(data)
        while view:
            written = os.write(write_end, view)
            view = view[written:]
    except BaseException:  # noqa: BLE001 - the child must never return into the parent's code
        status = 1
    finally:
        os._exit(status)


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything written to ``fd`` until EOF, or None when the deadline passes first."""
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], None if remaining == float("inf") else remaining)
        if not ready:
            return None
        chunk = os.read(fd, _CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
