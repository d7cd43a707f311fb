"""The jsii kernel without its relay process: Python talks to the kernel's node process directly.

Why: jsii's Python runtime starts `node bin/jsii-runtime.js`, a relay that starts a second node
process, `lib/program.js` (the kernel), and copies every request and response between its own
stdin/stdout and the kernel's file descriptor 3 (the kernel reads and writes fd 3 synchronously),
wrapping the kernel's own stdout/stderr into JSON lines on its stderr. Each of a full synth's
~8,300 round trips so passes four pipes and wakes three processes instead of two; the relay
costs ~0.5 CPU s, and the synth ~0.55 s of wall time (A/B, 4 runs each, 2026-11-30: 8.1 -> 7.55 s
in one process).

How: install() replaces `_NodeProcess.start` of jsii's process provider. The new start writes
the runtime files exactly as jsii does (`_jsii_runtime()`, removed by jsii's own stop), makes a
socket pair and starts `node --max-old-space-size=4069 --preserve-symlinks lib/program.js`
(the arguments the relay gives it) with os.posix_spawn, whose file actions put the socket on
the kernel's fd 3 (no Python code runs in the child, so starting it from a threaded process is
safe). The socket's other end becomes `stdin`/`stdout` of the object jsii keeps as its process;
the kernel's stdout and stderr are copied to this process's as they come (the relay sent them
as JSON for jsii's stderr sink to decode: same bytes, same streams). jsii's handshake, send and
stop run unchanged. The relay's one other act, the banner for an end-of-life node version, is
kept: node_check() runs the relay itself, stopped before it starts a kernel
(stacks/jsii_node_check.js), so jsii's own check prints jsii's own banner, silenced by jsii's own
variables.

Output is unaffected: the same kernel gets the same requests (the whole plan is held byte for
byte by tests/snapshots). MCAI_JSII_RELAY=on, or JSII_RUNTIME naming another runtime, keeps
jsii's own start; so does a jsii whose process provider lacks what this relies on (install()
returns False), or a platform without posix_spawn.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from typing import IO, Any

ENV = "MCAI_JSII_RELAY"
_ENVIRON: Mapping[str, str] = {}  # install()'s `environ`: the process environment (its contract)
NODE_ARGS = ("--max-old-space-size=4069", "--preserve-symlinks")  # the relay's arguments for the kernel


class _Kernel:
    """What jsii's _NodeProcess uses of its subprocess.Popen: stdin, stdout, stderr, wait(),
    terminate(), for a process started with os.posix_spawn."""

    def __init__(self, pid: int, channel: socket.socket, stderr: IO[bytes]) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = channel.makefile("wb")
        self.stdout = channel.makefile("rb")
        self.stderr = stderr
        self._channel = channel

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(["node", "program.js"], timeout or 0)
            time.sleep(0.005)
        self._channel.close()  # the makefile objects keep the socket open until closed themselves
        assert self.returncode is not None
        return self.returncode

    def terminate(self) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)


NODE_CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jsii_node_check.js")
CHECKED = "MCAI_NODE_CHECKED"  # set by a parent that ran the check already (the parallel synth's children)


def node_check(node: str, runtime: str, environ: Mapping[str, str]) -> bytes:
    """What jsii's relay prints about this node release (end of life, deprecated, untested, known
    broken; nothing for a supported one or a silenced warning): the relay itself runs, with
    stacks/jsii_node_check.js stopping it before it would start the kernel."""
    try:
        proc = subprocess.run(
            [node, "--require", NODE_CHECK, runtime],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=dict(environ),
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return b""
    return proc.stdout + proc.stderr


def _report_node_check(node: str, runtime: str, environ: Mapping[str, str]) -> None:
    target = _binary(sys.stderr)
    text = node_check(node, runtime, environ)
    if text and target is not None:
        with contextlib.suppress(OSError, ValueError):
            target.write(text)
            target.flush()


def _binary(stream: Any) -> IO[bytes] | None:
    """The binary buffer of a text stream (sys.stdout, sys.stderr), or None if it has none."""
    buffer = getattr(stream, "buffer", None)
    return buffer if buffer is not None and hasattr(buffer, "write") else None


def _copy(source: IO[bytes], target: IO[bytes] | None) -> None:
    for chunk in iter(lambda: source.read(65536), b""):  # unbuffered: what the pipe holds
        if target is None:
            continue
        try:
            target.write(chunk)
            target.flush()
        except (OSError, ValueError):  # closed meanwhile: keep draining the pipe
            target = None


def _start(self: Any) -> None:
    """Replacement of jsii's `_NodeProcess.start` (self: the _NodeProcess)."""
    import atexit
    import fcntl  # POSIX only, as posix_spawn (wanted() checks for it)

    environ = dict(_ENVIRON)  # the process environment install() was given, as jsii copies it
    environ["JSII_AGENT"] = f"Python/{platform.python_version()}"
    # As subprocess does with an env: the executable is looked up on that environment's PATH.
    node = environ.get("JSII_NODE", "node")
    node = shutil.which(node, path=environ.get("PATH", os.defpath)) or node
    runtime = self._jsii_runtime()  # <tmp>/bin/jsii-runtime.js; the kernel is <tmp>/lib/program.js
    program = os.path.join(os.path.dirname(os.path.dirname(runtime)), "lib", "program.js")

    ours, theirs = socket.socketpair()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    # The child's ends moved above the standard descriptors first (close-on-exec; each dup2 below
    # makes its target inheritable): with this process's 0-2 closed, a pipe or the socket could sit
    # on 1, 2 or 3 itself, and one dup2 would overwrite what a later one copies.
    child_out, child_err, child_channel = (
        fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (out_w, err_w, theirs.fileno())
    )
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, child_out, 1),
        (os.POSIX_SPAWN_DUP2, child_err, 2),
        (os.POSIX_SPAWN_DUP2, child_channel, 3),
    ]
    try:
        pid = os.posix_spawnp(node, [node, *NODE_ARGS, program], environ, file_actions=actions)
    finally:
        theirs.close()
        for fd in (out_w, err_w, child_out, child_err, child_channel):
            os.close(fd)
    stdout, stderr = os.fdopen(out_r, "rb", buffering=0), os.fdopen(err_r, "rb", buffering=0)
    self._process = _Kernel(pid, ours, stderr)

    # jsii's stop() joins `sink_thread` and then closes the process's stderr. Where this process
    # has no stdout or stderr (closed, or replaced by an object without .buffer), the kernel's
    # output is read and dropped, so the kernel never blocks on a full pipe.
    threading.Thread(
        target=_copy, args=(stdout, _binary(sys.stdout)), name="jsii.stdout", daemon=True
    ).start()
    self.sink_thread = threading.Thread(
        target=_copy, args=(stderr, _binary(sys.stderr)), name="process.stderr_sink", daemon=True
    )
    self.sink_thread.start()
    atexit.register(self.stop)
    if not environ.get(CHECKED):
        # Beside the kernel's start, on the other core (~0.1 s of node start).
        threading.Thread(target=_report_node_check, args=(node, runtime, environ), daemon=True).start()
    self.handshake()


def wanted(environ: Mapping[str, str]) -> bool:
    """True if the relay is to be bypassed here (MCAI_JSII_RELAY not on, no JSII_RUNTIME)."""
    if environ.get(ENV, "").strip().lower() == "on" or environ.get("JSII_RUNTIME"):
        return False
    return hasattr(os, "posix_spawnp") and hasattr(os, "POSIX_SPAWN_DUP2")


def install(environ: Mapping[str, str]) -> bool:
    """Start the jsii kernel without the relay from now on. Idempotent; a kernel already running
    stays as it is. Returns True if the bypass is in place. `environ` is the process environment
    (stacks.lazy_providers.install's contract): the kernel gets a copy of it when it starts."""
    if not wanted(environ):
        return False
    try:
        from jsii._kernel.providers import process
    except ImportError:
        return False
    node_process = getattr(process, "_NodeProcess", None)
    needs = ("start", "stop", "handshake", "send", "_jsii_runtime", "_next_message")
    if node_process is None or not all(callable(getattr(node_process, n, None)) for n in needs):
        return False
    global _ENVIRON
    _ENVIRON = environ
    if node_process.start is not _start:
        node_process.start = _start
    return True
