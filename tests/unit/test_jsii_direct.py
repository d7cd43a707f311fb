"""stacks.jsii_direct: the jsii kernel started without jsii's relay process, and with it.

The facts come from real kernels (tests/unit/jsii_direct_probe.py, in the background), once
direct and once with MCAI_JSII_RELAY=on: which node processes this process started, that the
kernel's own stdout and stderr still reach this process's, that a synth gives the same output,
and that jsii's stop ends the kernel. The whole plan is held byte for byte by tests/snapshots
(the session's synth runs direct, the second staging synth through the relay).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from stacks import jsii_direct
from tests.background import Context, background, probe_facts, probe_jobs

PROBE = Path(__file__).with_name("jsii_direct_probe.py")
REPO = Path(__file__).resolve().parents[2]


probe_jobs(
    PROBE,
    {f"jsii_direct_probe_relay_{mode}": ([], {"MCAI_JSII_RELAY": mode}) for mode in ("off", "on")},
    __file__,
)


@background("synth_without_stdout")
def _synth_without_stdout_job(ctx: Context) -> dict:
    """dev synthesized by a process whose stdout is closed (a CI step, a cron job): the kernel's
    output copier and the fast exit must cope (once: `'NoneType' object has no attribute
    'buffer'; nothing written`)."""
    out = ctx.tmp / "no-stdout.out"
    script = 'exec "$0" -m stacks synth --env dev --jobs 1 --out "$1" >&-'
    env = dict(os.environ, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20")
    return {"argv": ["sh", "-c", script, sys.executable, str(out)], "cwd": REPO, "env": env, "out": out}


def _run(background_jobs, relay: str) -> tuple[dict, str, str]:
    facts, proc = probe_facts(background_jobs, f"jsii_direct_probe_relay_{relay}")
    return facts, proc.stdout, proc.stderr


def test_direct_kernel_is_the_only_node_process_and_runs_program_js(background_jobs):
    facts, _, _ = _run(background_jobs, "off")
    assert facts["process_type"] == "_Kernel"
    assert len(facts["our_children"]) == 1
    assert facts["our_children"][0].endswith("/lib/program.js")
    assert "--preserve-symlinks" in facts["our_children"][0]


def test_with_the_switch_jsii_starts_its_relay(background_jobs):
    facts, _, _ = _run(background_jobs, "on")
    assert facts["process_type"] == "Popen"
    assert len(facts["our_children"]) == 1 and facts["our_children"][0].endswith("/bin/jsii-runtime.js")


@pytest.mark.parametrize("relay", ["off", "on"])
def test_the_kernels_own_output_reaches_this_process_either_way(background_jobs, relay):
    _, stdout, stderr = _run(background_jobs, relay)
    assert "kernel-says-out" in stdout
    assert "kernel-says-err" in stderr


@pytest.mark.parametrize("relay", ["off", "on"])
def test_synth_output_and_stop_are_the_same_either_way(background_jobs, relay):
    facts, _, _ = _run(background_jobs, relay)
    assert facts["output"] == "${random_string.s.result}"
    assert facts["returncode"] == 0 and facts["left_running"] == []


def test_the_switch_and_another_runtime_keep_the_relay():
    assert jsii_direct.wanted({}) is True
    assert jsii_direct.wanted({"MCAI_JSII_RELAY": "off"}) is True
    assert jsii_direct.wanted({"MCAI_JSII_RELAY": "on"}) is False
    assert jsii_direct.wanted({"JSII_RUNTIME": "/opt/other/jsii-runtime.js"}) is False


def test_wait_times_out_and_terminate_ends_the_process():
    ours, theirs = socket.socketpair()
    theirs.close()
    r, w = os.pipe()
    os.close(w)
    pid = os.posix_spawnp("sleep", ["sleep", "30"], dict(os.environ))
    kernel = jsii_direct._Kernel(pid, ours, os.fdopen(r, "rb", buffering=0))
    with pytest.raises(subprocess.TimeoutExpired):
        kernel.wait(timeout=0.05)
    kernel.terminate()
    assert kernel.wait(timeout=5) == -15
    kernel.terminate()  # already ended: nothing to do, no error
    kernel.stderr.close()


def test_a_synth_with_stdout_closed_writes_its_plan(background_jobs):
    job = background_jobs("synth_without_stdout")
    proc, out = job["proc"], job["out"]
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (out / "manifest.json").is_file()
    assert len(list((out / "stacks").glob("dev-*/cdk.tf.json"))) > 10


def _runtime_files(folder: Path) -> Path:
    """jsii's embedded runtime written out as jsii writes it (bin/jsii-runtime.js, lib/program.js)."""
    import importlib.resources

    import jsii._embedded.jsii as embedded

    for resource, name in embedded.EMBEDDED_FILES.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(importlib.resources.files(embedded).joinpath(resource).read_bytes())
    return folder / embedded.EMBEDDED_FILES[embedded.ENTRYPOINT]


@pytest.mark.parametrize("silenced", [False, True])
def test_the_node_check_prints_what_jsiis_relay_prints(tmp_path, silenced):
    """The oracle is jsii's relay itself, started for real with stdin closed (its kernel reads
    end of input and exits): whatever it says about this machine's node on stderr before the
    kernel starts, node_check() says too, silenced by the same variable."""
    runtime = _runtime_files(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JSII_SILENCE_")}
    if silenced:
        major = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
        env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = major.lstrip("v").split(".")[0]
        env["JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION"] = "1"
        env["JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION"] = "1"
    relay = subprocess.run(
        ["node", str(runtime)], stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=60
    )
    ours = jsii_direct.node_check("node", str(runtime), env)
    assert ours == relay.stderr
    if silenced:
        assert ours == b""
