"""Several processes training one model: JAX's distributed runtime, joined and watched with a deadline.

Each process calls ``join`` once, before JAX starts (``jax.distributed.initialize``: process 0
runs the coordinator at HOST:PORT, every process registers with it; on CPUs the collectives go
through gloo over TCP). From then on ``jax.devices()`` lists the devices of every process, and a
``symrnn.backends.data_parallel.DataParallel`` mesh spans them all.

JAX's runtime ends a process that loses a peer or never meets its coordinator with a fatal log
of a hundred lines, after minutes. symrnn says it in one line instead, within ``timeout`` seconds:

- the meeting, and every training call (``collective``), runs under a deadline; a watchdog
  thread ends the process (exit status 1) with one line when it passes;
- a collective that fails (a peer's connection closed: it died) raises ``ProcessLost``;
- ``leave`` ends the process at once, without the shutdown barrier the lost peer would never
  reach.
"""
import contextlib
import math
import os
import socket
import sys
import threading

from symrnn.errors import ConfigError, ProcessLost

TIMEOUT = 300  # seconds: a compile, or a peer's report, may hold a training call this long

_joined = None  # (process id, number of processes, timeout) once ``join`` has met the others


def check_arguments(coordinator, num_processes, process_id):
    """``ConfigError`` unless the three are all given (or none), the address is HOST:PORT and
    0 ≤ ``process_id`` < ``num_processes``; returns whether they were given."""
    given = [x is not None for x in (coordinator, num_processes, process_id)]
    if not any(given):
        return False
    if not all(given):
        raise ConfigError("a run of several processes needs all three of --coordinator HOST:PORT, --num-processes N "
                          "and --process-id I")
    parse_address(coordinator)
    if num_processes < 1 or not 0 <= process_id < num_processes:
        raise ConfigError(f"--process-id must be from 0 to {num_processes - 1} (--num-processes {num_processes}), "
                          f"got {process_id}")
    return True


def parse_address(coordinator):
    """(host, port) of ``HOST:PORT``, or ``ConfigError``."""
    host, _, port = coordinator.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"--coordinator must be HOST:PORT (e.g. localhost:12355 or 10.0.0.1:12355), "
                          f"got {coordinator!r}")
    return host.strip("[]"), int(port)


def join(coordinator, num_processes, process_id, timeout=TIMEOUT):
    """Meet the other processes at ``coordinator`` (process 0 runs it) within ``timeout`` seconds,
    or end this one with one line. An address that does not resolve, or a port process 0 cannot
    listen on, is a ``ConfigError`` before anything starts."""
    global _joined
    import jax

    host, port = parse_address(coordinator)
    try:
        socket.getaddrinfo(host, port)
    except OSError:
        raise ConfigError(f"--coordinator {coordinator}: the host {host!r} is not known here") from None
    if process_id == 0:
        _check_port_free(port, coordinator)
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    if process_id == 0:
        missing = (f"not all {num_processes} processes came to {coordinator} within {timeout:g} s (are they all "
                   f"started?)")
    else:
        missing = (f"process {process_id} could not meet the coordinator at {coordinator} within {timeout:g} s (is "
                   f"process 0 running there, and is the address reachable from here?)")
    with deadline(timeout, missing):
        runtime_timeout = math.ceil(timeout) + 60  # past the deadline: symrnn's one line comes first
        jax.distributed.initialize(coordinator, num_processes, process_id, initialization_timeout=runtime_timeout,
                                   heartbeat_timeout_seconds=runtime_timeout)
    _joined = (process_id, num_processes, timeout)


def _check_port_free(port, coordinator):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a finished run's closed connections do not count
        try:
            probe.bind(("", port))
        except OSError as err:
            raise ConfigError(f"--coordinator {coordinator}: process 0 cannot listen on port {port} "
                              f"({err.strerror or err}); choose a free port") from None


def joined():
    """Whether this process is one of several (``join`` has met the others)."""
    return _joined is not None


def is_writer():
    """Whether this process writes the run's files: process 0, or the only one."""
    return _joined is None or _joined[0] == 0


@contextlib.contextmanager
def collective():
    """Run a call that meets the other processes: within the deadline, and ``ProcessLost`` where the
    runtime reports a failure (a peer gone)."""
    process_id, num_processes, timeout = _joined
    with deadline(timeout, f"process {process_id} heard nothing from the other {num_processes - 1} for {timeout:g} s "
                           f"(did one stop, or hang?)"):
        try:
            yield
        except Exception as err:  # noqa: BLE001 - JAX's runtime errors have no public class
            first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise ProcessLost(f"process {process_id} of {num_processes} lost the others during training (did one "
                              f"stop?): {first_line}") from None


def leave(status):
    """End this process now with ``status``, its output flushed: after a lost peer the runtime's own
    shutdown would wait for it, then abort."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


@contextlib.contextmanager
def deadline(seconds, message):
    """End the process with ``symrnn: error: <message>`` (status 1) if the block runs past ``seconds``."""
    _WATCHDOG.arm(seconds, message)
    try:
        yield
    finally:
        _WATCHDOG.disarm()


class _Watchdog:
    """One daemon thread, started at first use, that ends the process when an armed deadline passes."""

    def __init__(self):
        self.condition = threading.Condition()
        self.expires, self.message, self.thread = None, None, None

    def arm(self, seconds, message):
        import time

        with self.condition:
            if self.thread is None:
                self.thread = threading.Thread(target=self._watch, name="symrnn-deadline", daemon=True)
                self.thread.start()
            self.expires, self.message = time.monotonic() + seconds, message
            self.condition.notify()

    def disarm(self):
        with self.condition:
            self.expires = None

    def _watch(self):
        import time

        with self.condition:
            while True:
                if self.expires is None:
                    self.condition.wait()
                elif time.monotonic() < self.expires:
                    self.condition.wait(self.expires - time.monotonic())
                else:
                    print(f"symrnn: error: {self.message}", file=sys.stderr)
                    leave(1)


_WATCHDOG = _Watchdog()
