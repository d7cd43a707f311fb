"""checkov's findings per stack file, kept by content (policies/run.py; issue #20).

A stack's findings depend only on the bytes checkov reads (the stack file with its IAM documents
resolved), the stack's folder name (the custom checks read the stack id from the path), the
framework and the check set; the stacks do not see each other (measured when this was built:
single-stack scans of four real stacks gave the same built-in findings as the 109-stack scan, and
a gate over the whole plan from the cache gave a JSON report identical to an uncached run;
tests/policies/test_scan_cache.py repeats the comparison on three stacks). The key is a SHA-256 over all of that plus a fingerprint of
everything that decides the checks: checkov's version, the command line, the custom checks
(every file under policies/checks/) and policies/checkov_cli.py. A warm gate therefore
rescans only the stacks a change touched; any edit to a check rescans everything.

Entries live in `.cache/policy/` (POLICY_CACHE=<dir> moves it, POLICY_CACHE=off turns it off).
Each holds the few record fields policies/run.py reads; a file checkov could not parse is never
stored. Entries unused for 14 days are removed after a run.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# The record fields policies/run.py reads (file_abs_path is set again on the way out).
FIELDS = ("check_id", "check_name", "check_result", "file_line_range", "resource", "details", "code_block")
KEEP_DAYS = 14


def fingerprint(parts: Iterable[str], files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() + b"\0")
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class ScanCache:
    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls, default: Path, fingerprint: str) -> ScanCache | None:
        setting = os.environ.get("POLICY_CACHE", "")
        if setting.lower() in ("off", "0", "no", "false"):
            return None
        return cls(Path(setting) if setting else default, fingerprint)

    def _path(self, framework: str, stack_folder: str, data: bytes) -> Path:
        digest = hashlib.sha256(
            f"{self.fingerprint}\0{framework}\0{stack_folder}\0".encode() + data
        ).hexdigest()
        return self.folder / digest[:2] / f"{digest}.json"

    def get(self, framework: str, stack_folder: str, data: bytes) -> dict[str, list[dict[str, Any]]] | None:
        path = self._path(framework, stack_folder, data)
        try:
            entry: dict[str, list[dict[str, Any]]] = json.loads(path.read_text())
        except (OSError, ValueError):
            self.misses += 1
            return None
        os.utime(path)  # used: keep it
        self.hits += 1
        return entry

    def put(
        self, framework: str, stack_folder: str, data: bytes, records: dict[str, list[dict[str, Any]]]
    ) -> None:
        path = self._path(framework, stack_folder, data)
        slim = {kind: [{k: r[k] for k in FIELDS if k in r} for r in rows] for kind, rows in records.items()}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(slim))
            tmp.replace(path)  # atomic: a concurrent run reads the old entry or the new, never half
        except OSError:
            pass  # a read-only or full disk only costs the next run a rescan

    def prune(self) -> None:
        cutoff = time.time() - KEEP_DAYS * 86400
        for path in self.folder.glob("*/*.json"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                pass
