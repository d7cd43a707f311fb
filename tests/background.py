"""Subprocesses the suite needs, run in the background on the second core while the tests run.

Some tests must start a process: a checkov scan, a second synth, a synth that fails on purpose,
terraform. The suite itself runs on one core; each of those processes used to make it wait. A
test module now registers each such process with `@background(name)`: a builder that writes the
process's input into a folder and returns its command. When collection ends, the session starts
the jobs of the modules that were collected, one after the other (`MCAI_TEST_BACKGROUND`, default
1, processes at a time) in a thread of the pytest process, and moves the tests that read them to
the end of the run, in the same order, so the other tests run meanwhile. A test reads a job with
the `background_jobs` fixture (`background_jobs("name")`): that waits for the job (or runs it
right away if it has not started) and returns its `CompletedProcess` (`proc`) and whatever else
the builder returned. Nothing is checked in the background: the test asserts on the result, so a
job that fails fails its test exactly as before.

`MCAI_TEST_BACKGROUND=0` runs every job in the foreground when its test first asks, in the
collected order (the old behaviour; for measurements and for debugging one job).

A builder gets a `Context`: its own empty folder (`tmp`), `synth()`, which returns the session's
synthesized cdktf.out (tests/conftest.py `synth_dir`), and the collected test modules. A job
declared `needs_synth` starts only once that synth exists (at once with `MCAI_SYNTH_DIR`, else
after the session's synth).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Context:
    tmp: Path
    synth: Callable[[], Path]
    collected: frozenset[Path]


Builder = Callable[[Context], dict[str, Any]]


@dataclass
class Job:
    name: str
    modules: Callable[[], set[Path]]  # the test modules that read the job
    builder: Builder
    wants_synth: Callable[[frozenset[Path]], bool]  # given the collected modules
    needs_synth: bool = False
    tmp: Path | None = None
    started: float | None = None
    seconds: float | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    raised: BaseException | None = None  # a skip (or exit) a builder raised, re-raised in the test
    done: threading.Event = field(default_factory=threading.Event)
    claimed: bool = False
    proc: subprocess.Popen[str] | None = None


JOBS: dict[str, Job] = {}
REPO = Path(__file__).resolve().parent.parent
ACTIVE: Runner | None = None  # the session's runner (tests/conftest.py)


def background(
    name: str,
    *,
    needs_synth: bool | Callable[[frozenset[Path]], bool] = False,
    modules: Callable[[], set[Path]] | None = None,
) -> Callable[[Builder], Builder]:
    """Register a background job. The builder returns {"argv": [...], "cwd"?, "env"?, "timeout"?,
    **extras}, or {"proc": CompletedProcess, **extras} when it needs no process at all.
    `modules`: the test modules that read it (default: the builder's own module)."""

    def register(builder: Builder) -> Builder:
        own = Path(inspect.getfile(builder)).resolve()
        wants = needs_synth if callable(needs_synth) else (lambda _collected: bool(needs_synth))
        JOBS[name] = Job(name, modules or (lambda: {own}), builder, wants)
        return builder

    return register


def probe_jobs(script: Path, jobs: dict[str, tuple[list[str], dict[str, str]]], owner: str) -> None:
    """Register one background job per entry, `name: (arguments, environment additions)`, each
    `python <script> <arguments>` from the repository root with node's end-of-life banner
    silenced; `owner`: the test module that reads them (its `__file__`). probe_facts() reads one."""
    reader = Path(owner).resolve()
    for name, (args, extra) in jobs.items():

        def build(ctx: Context, args: list[str] = args, extra: dict[str, str] = extra) -> dict[str, Any]:
            env = dict(os.environ, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20", **extra)
            return {"argv": [sys.executable, str(script), *args], "cwd": REPO, "env": env}

        build.__name__ = f"_{name}_job"
        background(name, modules=lambda: {reader})(build)


def probe_facts(background_jobs: Callable[[str], dict[str, Any]], name: str) -> tuple[dict[str, Any], Any]:
    """The JSON facts a probe job printed last on stdout, and its CompletedProcess; the test
    fails with the probe's output if it failed or printed nothing."""
    import pytest

    proc = background_jobs(name)["proc"]
    if proc.returncode != 0 or not proc.stdout.strip():
        pytest.fail(f"{name} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}", pytrace=False)
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc


class Runner:
    def __init__(self, jobs: list[Job], root: Path, workers: int, collected: frozenset[Path]) -> None:
        self.jobs = jobs  # in the order the tests read them
        for job in JOBS.values():
            job.needs_synth = job.wants_synth(collected)
        self.collected = collected
        self.root = root
        self.workers = workers
        self.lock = threading.Lock()
        self.synth_ready = threading.Event()
        self.synth_path: Path | None = None
        self.closing = False
        self.threads: list[threading.Thread] = []

    # -- the session's synth ---------------------------------------------------------------
    def set_synth(self, path: Path) -> None:
        self.synth_path = path
        self.synth_ready.set()

    def synth(self) -> Path:
        self.synth_ready.wait()
        if self.synth_path is None:
            raise RuntimeError("the session has no synthesized output (synth_dir failed)")
        return self.synth_path

    # -- scheduling ------------------------------------------------------------------------
    def start(self) -> None:
        for _ in range(self.workers):
            thread = threading.Thread(target=self._work, name="background-jobs", daemon=True)
            thread.start()
            self.threads.append(thread)

    def _claim(self, job: Job) -> bool:
        with self.lock:
            if job.claimed or self.closing:
                return False
            job.claimed = True
            return True

    def _work(self) -> None:
        while not self.closing:
            with self.lock:
                # The next job in order whose input exists (a synth job waits for the synth).
                ready = [
                    j for j in self.jobs if not j.claimed and (not j.needs_synth or self.synth_ready.is_set())
                ]
                job = ready[0] if ready else None
                if job is not None:
                    job.claimed = True
                elif all(j.claimed for j in self.jobs):
                    return
            if job is None:
                self.synth_ready.wait(timeout=0.5)
                continue
            self._run(job)

    def _run(self, job: Job) -> None:
        job.tmp = self.root / job.name
        job.tmp.mkdir(parents=True, exist_ok=True)
        job.started = time.monotonic()
        try:
            spec = job.builder(Context(job.tmp, self.synth, self.collected))
            if "proc" in spec:
                job.result = spec
                return
            argv = [str(a) for a in spec.pop("argv")]
            cwd, env = spec.pop("cwd", None), spec.pop("env", None)
            timeout = spec.pop("timeout", 900)
            job.proc = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,  # one process group: cleanup ends the job's children too
            )
            try:
                stdout, stderr = job.proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(job.proc)
                stdout, stderr = job.proc.communicate()
                stderr += f"\n[background job {job.name}: killed after {timeout} s]"
            job.result = {
                **spec,
                "tmp": job.tmp,
                "proc": subprocess.CompletedProcess(argv, job.proc.returncode, stdout, stderr),
            }
        except Exception:  # a broken builder fails the tests that read the job, with its traceback
            job.error = traceback.format_exc()
        except BaseException as exc:  # pytest.skip() in a builder: the readers skip
            job.raised = exc
        finally:
            job.seconds = time.monotonic() - job.started
            job.done.set()

    def result(self, name: str, need_synth: Callable[[], Path]) -> dict[str, Any]:
        # A job no collected module registered (its reader lives elsewhere): run on demand.
        job = next((j for j in self.jobs if j.name == name), None) or JOBS.get(name)
        if job is None:
            raise KeyError(f"no background job {name!r} is registered")
        if job.needs_synth and not self.synth_ready.is_set():
            self.set_synth(need_synth())  # the session's synth, made now in this process
        if self._claim(job):  # not started yet: run it now, in this thread
            self._run(job)
        job.done.wait()
        if job.raised is not None:
            raise job.raised
        if job.error is not None:
            import pytest

            pytest.fail(f"building the background job {name!r} failed:\n{job.error}", pytrace=False)
        assert job.result is not None
        return job.result

    def close(self) -> None:
        with self.lock:
            self.closing = True
        for job in self.jobs:
            if job.proc is not None and job.proc.poll() is None:
                _kill_group(job.proc)
        self.synth_ready.set()

    def report(self) -> list[str]:
        lines = []
        for job in self.jobs:
            if job.seconds is not None:
                proc = (job.result or {}).get("proc")
                code = proc.returncode if proc is not None else ("error" if job.error else "-")
                lines.append(f"{job.seconds:6.1f}s  {job.name} (exit {code})")
        return lines


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def workers() -> int:
    """Background jobs at a time: MCAI_TEST_BACKGROUND (default 1; 0: each job in the foreground
    when first read)."""
    value = os.environ.get("MCAI_TEST_BACKGROUND", "1")
    return int(value) if value.isdigit() else 1
