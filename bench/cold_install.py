"""Cold and warm install figures (fresh-machine issue): `make bench-install`. Not a test.

What a new user waits for: a fresh clone of HEAD, an empty uv cache (UV_CACHE_DIR pointed at a
new folder), a PATH without `uv`, then the README's first command `make synth` (install uv,
.venv, .venv-checkov, synth, policy, review). Then `make synth` again in the same clone (warm:
nothing to install). Records the walls and the phase lines the Makefile prints into
bench/results.json under "install" and prints them.

The package registry is still reached (the cache is empty, not the network); pip's own cache is
bypassed with PIP_NO_CACHE_DIR so uv's bootstrap is cold too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results.json"
PHASE = re.compile(r"^==> (\S+)\s+([\d.]+) s", re.M)


def _path_without_uv(path: str) -> str:
    return os.pathsep.join(
        d for d in path.split(os.pathsep) if d and not os.access(os.path.join(d, "uv"), os.X_OK)
    )


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> dict:
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = round(time.monotonic() - start, 1)
    phases = {name: float(secs) for name, secs in PHASE.findall(proc.stderr + proc.stdout)}
    result = {"cmd": " ".join(cmd), "wall_s": wall, "returncode": proc.returncode, "phases_s": phases}
    if proc.returncode != 0:
        result["stderr_tail"] = (proc.stderr or proc.stdout)[-2000:]
    return result


def _load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="bench-install-"))
    try:
        clone = scratch / "clone"
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
        env = dict(os.environ)
        env.update(
            PATH=_path_without_uv(env.get("PATH", "")),
            UV_CACHE_DIR=str(scratch / "uv-cache"),
            PIP_NO_CACHE_DIR="1",
        )
        load_before = _load_average()
        cold = _run(["make", "synth"], clone, env)
        warm = _run(["make", "synth"], clone, env)
        record = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "git_rev": subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
            ).stdout.strip(),
            "load_average_before": load_before,
            "cold_make_synth": cold,
            "warm_make_synth": warm,
            "target_cold_s": 90.0,
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    results["install"] = record
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for label in ("cold_make_synth", "warm_make_synth"):
        r = record[label]
        phases = ", ".join(f"{k} {v:.1f}" for k, v in r["phases_s"].items())
        print(f"{label}: {r['wall_s']:.1f} s (exit {r['returncode']}; {phases})")
    return 0 if cold["returncode"] == 0 and warm["returncode"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
