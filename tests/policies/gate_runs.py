"""One checkov process per test session for every policy-gate run the tests need, in the background.

checkov costs seconds to start and to load its checks, and the suite used to start it once per
gate run (five times). A test module registers each gate run it needs with `@gate_run(name)` (from this module): a
builder that writes the run's input into a folder and returns its arguments for policies/run.py.
The background job `policy_gate` (tests/background.py) builds the runs of the modules that are
collected and passes them all to ONE `policies/run.py --batch` (one checkov scan over all their
stack files) while the other tests run; the session fixture `policy_runs` waits for it and gives
each run back as `run.py` alone would have left it: exit status and printed report (`proc`), its
JSON results (`results`), its folder (`tmp`) and whatever else the builder returned.

A builder gets its folder and `synth()` (the session's synthesized output; declare
`needs_synth=True`). It may return {"reused": <policy.json>} instead of arguments: results an
earlier gate run wrote for the same input (`make gate` runs `make policy` on the synth the suite
reuses); its exit status is the one run.py gives those results (1 with a failure or an expired
exception, else 0).
"""

from __future__ import annotations

import inspect
import json
import subprocess
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.background import Context, background

REPO = Path(__file__).resolve().parents[2]
RUN = REPO / "policies" / "run.py"
CHECKOV_PYTHON = REPO / ".venv-checkov" / "bin" / "python"

Builder = Callable[[Path, Callable[[], Path]], dict[str, Any]]
GATE_RUNS: dict[str, tuple[Path, Builder, bool]] = {}


def gate_run(name: str, *, needs_synth: bool = False) -> Callable[[Builder], Builder]:
    """Register a gate run; the builder returns {"argv": [...run.py args...], **extras}."""

    def register(builder: Builder) -> Builder:
        GATE_RUNS[name] = (Path(inspect.getfile(builder)).resolve(), builder, needs_synth)
        return builder

    return register


class Runs(dict):
    """name -> run; reading a run whose builder raised fails with the builder's traceback."""

    def __init__(self) -> None:
        super().__init__()
        self.broken: dict[str, str] = {}

    def __getitem__(self, name: str) -> dict[str, Any]:
        if name in self.broken:
            pytest.fail(f"building the gate run {name!r} failed:\n{self.broken[name]}", pytrace=False)
        return super().__getitem__(name)


@background(
    "policy_gate",
    modules=lambda: {module for module, _, _ in GATE_RUNS.values()},
    needs_synth=lambda collected: any(
        needs for module, _, needs in GATE_RUNS.values() if module in collected
    ),
)
def _policy_gate_job(ctx: Context) -> dict[str, Any]:
    jobs, runs = [], Runs()
    for name, (module, builder, _) in GATE_RUNS.items():
        if module not in ctx.collected:
            continue  # no collected test reads this run: do not build it (it may need a synth)
        tmp = ctx.tmp / name
        tmp.mkdir()
        try:
            run = builder(tmp, ctx.synth)
        except Exception:  # one broken builder fails the tests of its run, not every policy test
            runs.broken[name] = traceback.format_exc()
            continue
        if "reused" in run:  # results `make policy` wrote for the same synth (make gate)
            results = json.loads(Path(run["reused"]).read_text())
            code = 1 if results["failures"] or results["expired_exceptions"] else 0
            note = f"reused {run['reused']} (make policy, same synth)\n"
            proc = subprocess.CompletedProcess(["run.py"], code, note, "")
            runs[name] = {"tmp": tmp, "proc": proc, "results": results, **run}
            continue
        argv = [*run.pop("argv"), "--json", str(tmp / "gate.json")]
        files = {k: tmp / f"run.{k}" for k in ("stdout", "stderr", "code")}
        jobs.append({"argv": argv, **{k: str(v) for k, v in files.items()}})
        runs[name] = {"tmp": tmp, "argv": argv, "files": files, **run}
    if not jobs or not CHECKOV_PYTHON.exists():
        return {"proc": None, "runs": runs}
    batch = ctx.tmp / "batch.json"
    batch.write_text(json.dumps(jobs, indent=2))
    return {"argv": [str(CHECKOV_PYTHON), str(RUN), "--batch", str(batch)], "cwd": REPO, "runs": runs}


@pytest.fixture(scope="session")
def policy_runs(background_jobs) -> dict[str, dict[str, Any]]:
    if not CHECKOV_PYTHON.exists():
        pytest.skip(f"checkov venv missing at {CHECKOV_PYTHON}: run `make install`")
    job = background_jobs("policy_gate")
    runs, proc = job["runs"], job["proc"]
    pending = {name: run for name, run in runs.items() if "files" in run}
    if not pending:
        return runs
    assert proc.returncode == 0, (
        f"policies/run.py --batch failed:\n{proc.stderr[-4000:]}{proc.stdout[-2000:]}"
    )
    for run in pending.values():
        files = run.pop("files")
        run["proc"] = subprocess.CompletedProcess(
            ["run.py", *run["argv"]],
            int(files["code"].read_text()),
            files["stdout"].read_text(),
            files["stderr"].read_text(),
        )
        result_json = run["tmp"] / "gate.json"
        run["results"] = json.loads(result_json.read_text()) if result_json.exists() else {}
    return runs
