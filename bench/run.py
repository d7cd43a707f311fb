"""Synth benchmark (issue 9): `make bench` or `python bench/run.py [options]`. Not a test.

Reports, on the machine it runs on, each command in a fresh process, one heavy process at a time:
  imports      per provider: `from <pkg>.<submodule> import <Class>` eager (the package's own
               __init__) vs lazy (stacks.lazy_providers.install() first; `lazy-python`: its
               Python hook only, node still loads every JS submodule)
  floor        the naive eager-import floor: a fresh interpreter that imports the five providers
               eagerly and exits normally, as any eager synth process does (import + teardown)
  full_synth   `--synth-cmd` (default: python -m stacks synth --out <tmp>)
  env_synth    the same for one environment (`--env`, default dev)
  tests        `--test-cmd` (default: make test), only with --with-tests
and ratio = full_synth wall / floor wall (target <= 0.15 since issue 20; also <= 10 s wall and <= 1.5 GB peak).

Wall is the whole child process, interpreter start to exit; with --repeat the fastest run is kept
(other load on the machine only ever adds time) and all walls are listed. Peak RSS is the maximum over samples
taken every 50 ms of the summed VmRSS of the child and all its descendants (python + node),
read from /proc. A command that is missing or fails is reported as not run, with its error.
Writes bench/results.json and prints a table.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SAMPLE_S = 0.05

# provider -> (package, submodule, class): one real resource each, as the app imports them.
PROVIDERS: dict[str, tuple[str, str, str]] = {
    "aws": ("cdktf_cdktf_provider_aws", "eks_cluster", "EksCluster"),
    "google": ("cdktf_cdktf_provider_google", "container_cluster", "ContainerCluster"),
    "azurerm": ("cdktf_cdktf_provider_azurerm", "kubernetes_cluster", "KubernetesCluster"),
    "cloudflare": ("cdktf_cdktf_provider_cloudflare", "load_balancer", "LoadBalancer"),
    "vault": ("cdktf_cdktf_provider_vault", "kubernetes_auth_backend_config", "KubernetesAuthBackendConfig"),
}

TARGETS = {
    "full_synth_wall_s": 10.0,
    "full_synth_peak_rss_gb": 1.5,
    "ratio": 0.15,  # issue 20 (was 0.25, issue 9)
    "tests_wall_s": 180.0,
    "gate_wall_s": 60.0,  # issue 20: the whole PR gate, warm, on an idle 2-core machine
}
GROWTH_ENVS = (1, 3, 6, 12)  # issue 20: generated environments of eight clusters (bench/growth.py)
# Install stamps `make gate` must not remake inside the measurement (`make bench` installs first).
STAMPS = (".venv/.installed", ".venv-checkov/.installed", "node_modules/.installed")


# ---- process-tree measurement -------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                kids += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return kids


def _tree(pid: int) -> list[int]:
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _set_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux PR_SET_CHILD_SUBREAPER).

    A synth leaves with os._exit and its node child is orphaned; as our child again it stays
    visible to the peak sampler, and reaping it adds its CPU time to our RUSAGE_CHILDREN."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


SUBREAPER = _set_subreaper()


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _reap_orphans(deadline_s: float = 60.0) -> int:
    """Wait for descendants orphaned onto us (node after a synth's os._exit); how many are left."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return 0
        if pid == 0:
            time.sleep(0.05)
    return len(_children(os.getpid()))


def measure(cmd: list[str], *, env: dict | None = None, cwd: Path = REPO, timeout: float = 1800) -> dict:
    """Run `cmd`; wall seconds, CPU seconds (user+sys) and peak summed VmRSS of its whole process
    tree (orphans included: we are their subreaper), exit code, output tails, load averages."""
    load_before = [round(x, 2) for x in os.getloadavg()]
    cpu_before = _cpu_children()
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    except OSError as exc:
        return {"status": "not run", "error": f"{type(exc).__name__}: {exc}", "cmd": cmd}
    peak = {"kb": 0, "procs": 0}
    done = threading.Event()
    me = os.getpid()

    def sample() -> None:
        while not done.is_set():
            pids = [p for p in _tree(me) if p != me]  # the child's tree and any orphan of it
            kb = sum(_status_kb(p, "VmRSS") for p in pids)
            if kb > peak["kb"]:
                peak["kb"], peak["procs"] = kb, len(pids)
            done.wait(SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    wall = time.perf_counter() - started
    exited_at = time.time()
    left = _reap_orphans() if SUBREAPER else None
    done.set()
    sampler.join()
    result = {
        "status": "ok" if proc.returncode == 0 else "failed",
        "returncode": proc.returncode,
        "wall_s": round(wall, 2),
        "cpu_s": round(_cpu_children() - cpu_before, 2) if SUBREAPER else None,
        "peak_rss_mb": round(peak["kb"] / 1024),
        "peak_procs": peak["procs"],
        "load_avg": {"before": load_before, "after": [round(x, 2) for x in os.getloadavg()]},
        "exited_at": exited_at,
        "stdout": out,
        "stderr": err,
        "stderr_tail": err[-1500:],
        "stdout_tail": out[-1500:],
        "cmd": cmd,
    }
    if left:
        result["orphans_left"] = left
    if proc.returncode != 0:
        result["status"] = "not run" if _looks_missing(err) else "failed"
    return result


def _looks_missing(stderr: str) -> bool:
    return any(
        s in stderr for s in ("No module named", "No rule to make target", "can't open file", "not found")
    )


# ---- the children -------------------------------------------------------------------------------

# Child for imports and the floor: prints one JSON line; in-process import seconds, and the peak
# (VmHWM) of python and of its node child, read just before exiting.
_IMPORT_CHILD = textwrap.dedent(
    """
    import json, os, sys, time
    t0 = time.perf_counter()
    sys.path.insert(0, {repo!r})
    if {mode!r} != "eager":
        from stacks.lazy_providers import install
        install(os.environ, node={mode!r} == "lazy")
    for pkg, sub, cls in {imports!r}:
        getattr(__import__(pkg + "." + sub, fromlist=[cls]), cls)
    t1 = time.perf_counter()
    def hwm(pid):
        try:
            for line in open(f"/proc/{{pid}}/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
        except OSError:
            return 0
    def kids_of(pid):
        out = []
        for tid in os.listdir(f"/proc/{{pid}}/task"):
            out += [int(c) for c in open(f"/proc/{{pid}}/task/{{tid}}/children").read().split()]
        return out
    kids, todo = [], kids_of(os.getpid())  # jsii: python -> node jsii-runtime.js -> node program.js
    while todo:
        kids.append(todo.pop())
        todo += kids_of(kids[-1])
    facts = {{
        "import_s": round(t1 - t0, 2),
        "python_hwm_mb": hwm("self"),
        "node_hwm_mb": sum(hwm(k) for k in kids),
        "modules": sum(m.startswith("cdktf_cdktf_provider_") for m in sys.modules),
        "done_at": time.time(),
    }}
    print(json.dumps(facts), flush=True)
    sys.stderr.flush()
    if {fast_exit!r}:
        os._exit(0)
    """
)


def _child_env() -> dict:
    return dict(os.environ, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20")


IMPORT_MODES = ("eager", "lazy-python", "lazy")  # lazy-python: the Python hook only, node eager


def run_import_child(providers: list[str], *, mode: str, fast_exit: bool) -> dict:
    imports = [PROVIDERS[p] for p in providers]
    code = _IMPORT_CHILD.format(repo=str(REPO), mode=mode, imports=imports, fast_exit=fast_exit)
    result = measure([sys.executable, "-c", code], env=_child_env())
    result["cmd"] = (
        f"python -c <import child: mode={mode}, providers={','.join(providers)}, fast_exit={fast_exit}>"
    )
    if result["status"] == "ok":
        facts = json.loads(result["stdout"].strip().splitlines()[-1])
        result.update(facts)
        # What the interpreter spends after the work is done: gc of every module, jsii shutdown.
        result["exit_s"] = round(result["exited_at"] - facts["done_at"], 2)
    return result


def best_of(repeat: int, run) -> dict:
    """Run `run()` `repeat` times; keep the fastest ok run (noise only ever adds time), list all walls."""
    runs = [run() for _ in range(max(1, repeat))]
    ok = [r for r in runs if r.get("status") == "ok"]
    best = min(ok, key=lambda r: r["wall_s"]) if ok else runs[-1]
    if len(runs) > 1:
        best["wall_s_all"] = [r.get("wall_s") for r in runs]
    return best


def _stacks_written(out: Path) -> int:
    return len(list((out / "stacks").glob("*/cdk.tf.json"))) if (out / "stacks").is_dir() else 0


def run_synth(cmd_template: list[str], scratch: Path) -> dict:
    out = scratch / f"out-{time.monotonic_ns()}"
    cmd = [part.replace("{out}", str(out)) for part in cmd_template]
    result = measure(cmd, env=_child_env())
    result["stacks"] = _stacks_written(out)
    shutil.rmtree(out, ignore_errors=True)
    return result


def run_gate(scratch: Path, name: str = "gate") -> dict:
    """`make gate` into a scratch OUT, each phase measured by bench/phase.py (PHASE=...).

    The policy gate's scan cache (policies/scan_cache.py) lives in the scratch folder: the first
    run scans every stack (cold: what a change touching every stack costs), a second run over the
    same plan takes every finding from the cache (warm: a re-run)."""
    log = scratch / f"{name}-phases.jsonl"
    out = scratch / "gate.out"
    # -k: a failing phase (say, the policy gate) still lets the later ones run and be measured.
    cmd = ["make", "-k", "--no-print-directory", *(f"-o{s}" for s in STAMPS), "gate"]
    cmd += [f"OUT={out}", f"PHASE={sys.executable} {BENCH / 'phase.py'}"]
    environ = dict(_child_env(), BENCH_PHASE_LOG=str(log), POLICY_CACHE=str(scratch / "policy-cache"))
    result = measure(cmd, env=environ)
    result["stacks"] = _stacks_written(out)
    phases = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    result["phases"] = {ph.pop("phase"): ph for ph in phases}
    # pytest's last line: "N failed, M passed, K errors in S s"
    summary = re.findall(r"^.*\d+ passed.* in [\d.]+s.*$", result.get("stdout", ""), re.M)
    result["tests_summary"] = summary[-1].strip("= ") if summary else None
    return result


def run_growth(scratch: Path, counts: tuple[int, ...]) -> dict:
    """Synthesize 1, 3, 6, 12 generated environments; seconds and peak memory per stack."""
    rows = []
    for n in counts:
        envs = scratch / f"envs-{n}"
        out = scratch / f"growth-{n}.out"
        subprocess.run([sys.executable, str(BENCH / "growth.py"), "generate", str(n), str(envs)], check=True)
        r = measure(
            [sys.executable, str(BENCH / "growth.py"), "synth", str(envs), str(out)], env=_child_env()
        )
        stacks = _stacks_written(out)
        shutil.rmtree(out, ignore_errors=True)
        row = {"environments": n, "clusters": 8 * n, "stacks": stacks, **_strip(r)}
        if stacks and r["status"] == "ok":
            row["wall_s_per_stack"] = round(r["wall_s"] / stacks, 3)
            row["cpu_s_per_stack"] = round(r["cpu_s"] / stacks, 3) if r.get("cpu_s") is not None else None
            row["peak_mb_per_stack"] = round(r["peak_rss_mb"] / stacks, 1)
        rows.append(row)
    ok = [r for r in rows if r.get("status") == "ok" and r.get("cpu_s") is not None]
    # The cost of each added stack between consecutive sizes: flat means a linear total.
    marginal = [
        {
            "from_stacks": a["stacks"],
            "to_stacks": b["stacks"],
            "cpu_s_per_added_stack": round((b["cpu_s"] - a["cpu_s"]) / (b["stacks"] - a["stacks"]), 3),
            "wall_s_per_added_stack": round((b["wall_s"] - a["wall_s"]) / (b["stacks"] - a["stacks"]), 3),
            "peak_mb_per_added_stack": round(
                (b["peak_rss_mb"] - a["peak_rss_mb"]) / (b["stacks"] - a["stacks"]), 1
            ),
        }
        for a, b in itertools.pairwise(ok)
        if b["stacks"] > a["stacks"]
    ]
    return {"rows": rows, "marginal": marginal}


# ---- report -------------------------------------------------------------------------------------


def _cell(r: dict | None, key: str, fmt: str = "{}") -> str:
    if not r:
        return "-"
    if r.get("status") == "not run":
        return "-"
    v = r.get(key)  # a failed run still shows what it cost
    return "-" if v is None else fmt.format(v)


def _why(r: dict) -> str:
    if r.get("status") == "ok":
        return ""
    text = r.get("error") or r.get("stderr_tail", "").strip() or r.get("stdout_tail", "")
    lines = [line for line in text.strip().splitlines() if line.strip()]
    why = f"exit {r.get('returncode')}: {lines[-1][:90]}" if lines else f"exit {r.get('returncode')}"
    return f"{r.get('status', 'not run').upper()} ({why})"


def table(results: dict) -> str:
    rows = [f"{'measurement':<34}{'wall s':>9}{'import s':>10}{'exit s':>8}{'peak MB':>9}{'cpu s':>8}  note"]
    rows.append("-" * 96)
    for p, pair in results.get("imports", {}).items():
        for mode, r in pair.items():
            note = (
                _why(r)
                or f"{r.get('modules')} provider modules; py {r.get('python_hwm_mb')} + node {r.get('node_hwm_mb')} MB hwm"
            )
            rows.append(
                f"{'import ' + p + ' (' + mode + ')':<34}{_cell(r, 'wall_s'):>9}{_cell(r, 'import_s'):>10}"
                f"{'':>8}{_cell(r, 'peak_rss_mb'):>9}{_cell(r, 'cpu_s'):>8}  {note}"
            )
    for key, label in (
        ("floor", "naive eager floor (5 providers)"),
        ("full_synth", "full synth (all envs)"),
        ("env_synth", "single-env synth"),
        ("tests", "make test"),
        ("gate_cold_cache", "make gate, empty scan cache"),
        ("gate", "make gate (whole PR gate)"),
    ):
        r = results.get(key)
        if r is None:
            continue
        note = _why(r)
        if not note and "stacks" in r:
            note = f"{r['stacks']} stacks written"
        if not note and key == "floor":
            note = f"py {r.get('python_hwm_mb')} + node {r.get('node_hwm_mb')} MB hwm"
        rows.append(
            f"{label:<34}{_cell(r, 'wall_s'):>9}{_cell(r, 'import_s'):>10}{_cell(r, 'exit_s'):>8}"
            f"{_cell(r, 'peak_rss_mb'):>9}{_cell(r, 'cpu_s'):>8}  {note}"
        )
        for name, ph in (r.get("phases") or {}).items():
            rows.append(
                f"{'  gate phase ' + name:<34}{_cell(ph, 'wall_s'):>9}{'':>10}{'':>8}"
                f"{_cell(ph, 'peak_rss_mb'):>9}{_cell(ph, 'cpu_s'):>8}  load {ph.get('load_avg', {}).get('before')}"
            )
    for g in (results.get("growth") or {}).get("rows", []):
        rows.append(
            f"{'growth ' + str(g['environments']) + ' env (' + str(g['stacks']) + ' stacks)':<34}"
            f"{_cell(g, 'wall_s'):>9}{'':>10}{'':>8}{_cell(g, 'peak_rss_mb'):>9}{_cell(g, 'cpu_s'):>8}  "
            + (_why(g) or f"{g.get('cpu_s_per_stack')} cpu s/stack, {g.get('peak_mb_per_stack')} MB/stack")
        )
    for m in (results.get("growth") or {}).get("marginal", []):
        rows.append(
            f"  added stacks {m['from_stacks']}->{m['to_stacks']}: {m['cpu_s_per_added_stack']} cpu s, "
            f"{m['wall_s_per_added_stack']} wall s, {m['peak_mb_per_added_stack']} MB per stack"
        )
    rows.append("-" * 96)
    ratio = results.get("ratio")
    rows.append(
        f"ratio full_synth/floor: {ratio if ratio is not None else 'n/a'} wall, "
        f"{results.get('ratio_cpu', 'n/a')} cpu   targets: "
        + ", ".join(f"{k} {'ok' if v else 'MISSED'}" for k, v in results.get("targets_met", {}).items())
    )
    return "\n".join(rows)


def _node_version() -> str:
    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "absent"


def _git_rev() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return ""


def _strip(r: dict | None) -> dict | None:
    if r is None:
        return None
    r = {k: v for k, v in r.items() if k not in ("stdout", "stderr", "exited_at", "done_at")}
    if r.get("status") == "ok":
        r.pop("stderr_tail", None)
        r.pop("stdout_tail", None)
    return r


def _previous_runs(path: Path) -> list[dict]:
    """The earlier runs' headline figures, newest first (a run replaces the file's details)."""
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []

    def row(key: str) -> dict | None:
        r = old.get(key) or {}
        keep = ("wall_s", "cpu_s", "peak_rss_mb", "stacks", "status", "load_avg")
        return {k: r[k] for k in keep if k in r} or None

    headline = {
        "when": old.get("when"),
        "git_rev": old.get("git_rev"),
        "load_avg_at_start": (old.get("machine") or {}).get("load_avg_at_start"),
        "ratio": old.get("ratio"),
        **{k: row(k) for k in ("floor", "full_synth", "env_synth", "tests", "gate") if old.get(k)},
    }
    return [headline, *old.get("previous_runs", [])]


def main(argv: list[str] | None = None) -> int:
    default_synth = [sys.executable, "-m", "stacks", "synth", "--out", "{out}"]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--synth-cmd",
        type=shlex.split,
        default=default_synth,
        help="full synth command; {out} becomes a fresh output dir (default: %(default)s)",
    )
    ap.add_argument("--env", default="dev", help="environment for the single-env synth (default: dev)")
    ap.add_argument(
        "--env-synth-cmd",
        type=shlex.split,
        default=None,
        help="single-env synth command (default: --synth-cmd + ['--env', ENV])",
    )
    ap.add_argument("--with-tests", action="store_true", help="also time --test-cmd")
    ap.add_argument("--test-cmd", type=shlex.split, default=["make", "test"])
    ap.add_argument("--with-gate", action="store_true", help="also time `make gate`, phase by phase")
    ap.add_argument(
        "--growth",
        type=lambda v: tuple(int(x) for x in v.split(",") if x),
        default=(),
        help=f"environment counts to synthesize (bench/growth.py), e.g. {','.join(map(str, GROWTH_ENVS))}",
    )
    ap.add_argument("--providers", default=",".join(PROVIDERS), help="providers for the import rows")
    ap.add_argument(
        "--import-modes",
        type=lambda s: s.split(","),
        default=["eager", "lazy"],
        help=f"comma-separated, from {', '.join(IMPORT_MODES)} (default: eager,lazy)",
    )
    ap.add_argument("--skip-imports", action="store_true", help="skip the per-provider import rows")
    ap.add_argument("--skip-floor", action="store_true", help="skip the naive floor (no ratio)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per import/synth row; the fastest is kept")
    ap.add_argument("--floor-repeat", type=int, default=1, help="runs of the naive floor (~45 s each)")
    ap.add_argument("--out", type=Path, default=BENCH / "results.json")
    args = ap.parse_args(argv)
    if unknown := set(args.import_modes) - set(IMPORT_MODES):
        ap.error(
            f"--import-modes: unknown {', '.join(sorted(unknown))}; choose from {', '.join(IMPORT_MODES)}"
        )
    env_synth = args.env_synth_cmd or [*args.synth_cmd, "--env", args.env]

    results: dict = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "git_rev": _git_rev(),
        "machine": {
            "cpus": os.cpu_count(),
            "mem_total_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "node": _node_version(),
        },
        "method": "fresh process per row; wall = process start to exit; peak = max over 50 ms samples "
        "of summed VmRSS of the process tree (python + node)",
    }

    def step(name: str) -> None:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)

    if not args.skip_imports:
        results["imports"] = {}
        for p in [p.strip() for p in args.providers.split(",") if p.strip()]:
            pair = {}
            for mode in args.import_modes:
                step(f"import {p} {mode}")
                pair[mode] = _strip(
                    best_of(
                        args.repeat, lambda p=p, mode=mode: run_import_child([p], mode=mode, fast_exit=True)
                    )
                )
            results["imports"][p] = pair

    if not args.skip_floor:
        step("naive eager floor")
        results["floor"] = _strip(
            best_of(
                args.floor_repeat, lambda: run_import_child(list(PROVIDERS), mode="eager", fast_exit=False)
            )
        )

    scratch_root = BENCH / ".tmp"
    scratch_root.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=scratch_root))
    try:
        step("full synth: " + shlex.join(args.synth_cmd))
        results["full_synth"] = _strip(best_of(args.repeat, lambda: run_synth(args.synth_cmd, scratch)))
        step("single-env synth: " + shlex.join(env_synth))
        results["env_synth"] = _strip(best_of(args.repeat, lambda: run_synth(env_synth, scratch)))
        if args.growth:
            step("growth: " + ",".join(map(str, args.growth)) + " generated environments")
            results["growth"] = run_growth(scratch, args.growth)
        if args.with_gate:
            # Same scratch scan cache: empty for the first run (cold), filled for the second (warm).
            for key, what in (
                ("gate_cold_cache", "empty policy scan cache"),
                ("gate", "same plan again (warm)"),
            ):
                step(f"gate: make gate, {what}")
                gate = run_gate(scratch, key)
                gate.pop("stderr", None)
                results[key] = _strip(gate)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.with_tests:
        step("tests: " + shlex.join(args.test_cmd))
        results["tests"] = _strip(measure(args.test_cmd, env=_child_env()))

    results["machine"]["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    full, floor = results.get("full_synth") or {}, results.get("floor") or {}
    ok = full.get("status") == "ok"
    if ok and floor.get("status") == "ok":
        results["ratio"] = round(full["wall_s"] / floor["wall_s"], 3)
        if full.get("cpu_s") and floor.get("cpu_s"):
            results["ratio_cpu"] = round(full["cpu_s"] / floor["cpu_s"], 3)
    met = {}
    if ok:
        met["full_synth_wall_s<=10"] = full["wall_s"] <= TARGETS["full_synth_wall_s"]
        met["full_synth_peak<=1.5GB"] = full["peak_rss_mb"] <= TARGETS["full_synth_peak_rss_gb"] * 1024
    if "ratio" in results:
        met["ratio<=0.15"] = results["ratio"] <= TARGETS["ratio"]
    if (results.get("gate") or {}).get("status") == "ok":
        met["gate<=60s"] = results["gate"]["wall_s"] <= TARGETS["gate_wall_s"]
    if (results.get("tests") or {}).get("status") == "ok":
        met["tests<=180s"] = results["tests"]["wall_s"] <= TARGETS["tests_wall_s"]
    results["targets_met"] = met

    if args.skip_imports:  # keep the last measured import rows, saying when they were measured
        try:
            old = json.loads(args.out.read_text(encoding="utf-8"))
            if old.get("imports"):
                results["imports"] = old["imports"]
                results["imports_measured"] = old.get("imports_measured", old.get("when"))
        except (OSError, ValueError):
            pass
    results["previous_runs"] = _previous_runs(args.out)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
