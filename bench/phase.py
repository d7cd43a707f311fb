"""`make gate PHASE="python bench/phase.py"`: scripts/phase with the benchmark's measurements.

    python bench/phase.py NAME COMMAND...

Runs COMMAND like scripts/phase (same `==> NAME  secs` line, same exit status) and, when
BENCH_PHASE_LOG is set, appends one JSON line to it: wall, CPU (user+sys of the whole process
tree) and peak summed RSS of the tree, with the load average (bench/run.py `measure`). The
command's output goes through.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import measure  # sets this process up as the subreaper


def main(argv: list[str]) -> int:
    name, cmd = argv[0], argv[1:]
    r = measure(cmd, cwd=Path.cwd())
    sys.stdout.write(r.get("stdout", ""))
    sys.stderr.write(r.get("stderr", ""))
    rc = r.get("returncode", 127)
    if log := os.environ.get("BENCH_PHASE_LOG"):
        row = {
            k: r.get(k) for k in ("wall_s", "cpu_s", "peak_rss_mb", "peak_procs", "load_avg", "returncode")
        }
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"phase": name, **row}) + "\n")
    status = "" if rc == 0 else f"  FAILED (exit {rc})"
    print(f"==> {name:<8} {r.get('wall_s', 0):6.1f} s{status}", file=sys.stderr, flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
