"""Holding Ctrl-C and SIGTERM while a write lands: the branch, then the index and working tree.

Between moving the branch and bringing the checkout up to date, an interrupt would leave HEAD on
the new commit with the index still holding the old files: a `git commit` made then would quietly
undo the write. So that stretch runs with SIGINT and SIGTERM blocked, for mtx and the git
processes it starts (they inherit the mask). When it ends, a held SIGINT is dropped: the write has
landed (and is reported as done) or failed with an error of its own; a held SIGTERM is delivered, so
a supervisor that asked the process to stop still stops it, right after the write.

kill -9 cannot be held; the checkout journal covers it (`transaction.finish_interrupted_checkout`).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_HELD = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def held() -> Iterator[None]:
    """Run the body with SIGINT and SIGTERM blocked (main thread only: signals are handled there)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        if signal.SIGINT not in before and signal.SIGINT in signal.sigpending():
            signal.sigtimedwait([signal.SIGINT], 0)  # dropped: the write has landed, or failed on its own
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
