"""Leave a synth process fast without leaving files behind.

A normal interpreter exit spends 10-12 s tearing the jsii runtime down, so the entry points end
with `os._exit` once the output is on disk. That skips jsii's own clean-up too: jsii writes its
node runtime (~2.2 MB) into a `tempfile.TemporaryDirectory()` when it starts, and only its
`atexit` hook removes it; its node kernel adds a `jsii-kernel-*` folder. `private_tempdir()` points Python's `tempfile` at a folder of this
process before jsii starts, and `exit_now()` removes that folder, then exits.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import MutableMapping
from typing import NoReturn

_PRIVATE: str | None = None


def private_tempdir(environ: MutableMapping[str, str]) -> str:
    """Give this process (and the node child jsii starts) its own temporary folder.

    `environ` is the process environment the entry point owns (jsii copies it for node).
    Idempotent; call it in an entry point before any jsii import.
    """
    global _PRIVATE
    if _PRIVATE is None:
        _PRIVATE = tempfile.mkdtemp(prefix="mcai-synth-")
        tempfile.tempdir = _PRIVATE
        # jsii's node kernel makes its own `jsii-kernel-*` folder in os.tmpdir(), i.e. $TMPDIR of
        # the environment the node child inherits when jsii starts it.
        environ["TMPDIR"] = _PRIVATE
    return _PRIVATE


def exit_now(code: int) -> NoReturn:
    """Flush, remove the private temporary folder and exit without the jsii teardown."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # None when the process was started with that descriptor closed
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
    if _PRIVATE is not None:
        shutil.rmtree(_PRIVATE, ignore_errors=True)
    os._exit(code)
