"""Progress for long waits with no natural steps (compiling), printed to stderr."""
import sys
import threading
import time


class Ticker:
    """Context manager printing ``label ... 12 s`` while the block runs, then ``done in 12.3 s``.

    On a terminal the line updates every second; in a log it is written every 10 seconds.
    A cold Numba compile takes tens of seconds and must not look like a hang. A block done in
    less than ``quiet_below`` seconds (a function loaded from the cache) prints nothing.
    """

    quiet_below = 1.0

    def __init__(self, label, enabled=True, stream=None):
        self.label, self.enabled = label, enabled
        self.stream = stream or sys.stderr
        self.seconds = 0.0
        self._done = threading.Event()

    def __enter__(self):
        self._start = time.perf_counter()
        if self.enabled:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()
        return self

    def _tick(self):
        interval = 1.0 if self.stream.isatty() else 10.0
        end = "\r" if self.stream.isatty() else "\n"
        while not self._done.wait(interval):
            self.stream.write(f"{self.label} ... {time.perf_counter() - self._start:.0f} s{end}")
            self.stream.flush()

    def __exit__(self, *exc):
        self._done.set()
        self.seconds = time.perf_counter() - self._start
        if self.enabled:
            self._thread.join()
            if self.seconds >= self.quiet_below:
                self.stream.write(f"{self.label} ... done in {self.seconds:.1f} s\n")
                self.stream.flush()
        return False
