"""The policy gate: checkov's built-in checks and the project's residency checks over a synth.

    .venv-checkov/bin/python policies/run.py [--out DIR] [--exceptions FILE]
                                             [--json FILE] [--junit FILE] [--sarif FILE]

Runs ONE checkov scan (its own venv, offline: --skip-download, framework terraform_json) over
every DIR/stacks/*/cdk.tf.json with the custom checks in policies/checks/, names each failing
resource by its Terraform address (checkov reports only `resource.<name>`), applies the dated
exceptions of policies/exceptions.yaml (checkov ignores inline skips in JSON), and prints a table.

Exit status: 0 clean; 1 a failure without exception, or an expired exception; 2 the gate itself
could not run properly (no stacks, bad exceptions file, checkov crashed or could not parse a stack,
a custom check that produced no result although its resources exist).

`--batch FILE` (the test suite): several runs, each `{"argv": [...], "stdout", "stderr", "code"}`
(file paths), over one scan; each run's outputs are what it would have written alone.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import fnmatch
import importlib.metadata
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

POLICIES = Path(__file__).resolve().parent
REPO = POLICIES.parent
CHECKS_DIR = POLICIES / "checks"
DEFAULT_EXCEPTIONS = POLICIES / "exceptions.yaml"
CHECKOV_INDEX = "https://www.checkov.io/5.Policy%20Index/terraform.html"
PINNED_CHECKOV = "3.3.30"  # the checks rely on its terraform_json runner (entity_path, -f paths)

sys.path.insert(0, str(CHECKS_DIR))
sys.path.insert(1, str(POLICIES))
from iam_documents import resolve_stack  # noqa: E402  (plain Python, no checkov import)
from mcai_catalog import CATALOG  # noqa: E402  (plain data, no checkov import)
from scan_cache import ScanCache, fingerprint  # noqa: E402  (plain Python, no checkov import)


class GateError(Exception):
    """The gate could not run properly (exit 2)."""


# ---------------------------------------------------------------------------------------------
# exceptions.yaml

EXCEPTION_FIELDS = ("check_id", "resource", "reason", "expires")
OPTIONAL_FIELDS = ("compensated_by",)
CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
# `*` is a wildcard inside the stack id only (`*-datalake:aws_s3_bucket.data_lake_pii_bucket`): the
# resource name is always exact, so a new resource is never absorbed by an old waiver. A decision
# that holds for a family is a custom check asserting the compensating control (`compensated_by`):
# the exception then covers a resource only while it passes that check.
ADDRESS = re.compile(r"^(?:(?P<stack>[a-z0-9*][a-z0-9*-]*):)?(?P<address>[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)$")


@dataclass(frozen=True)
class PolicyException:
    index: int
    check_id: str
    resource: str
    reason: str
    expires: dt.date
    compensated_by: str | None = None

    @property
    def stack(self) -> str | None:
        return self._parts()["stack"]

    @property
    def address(self) -> str:
        return self._parts()["address"]

    def _parts(self) -> re.Match[str]:
        # load_exceptions refuses a resource ADDRESS does not match, so this cannot fail.
        parts = ADDRESS.match(self.resource)
        if parts is None:
            raise GateError(f"exception {self.index}: {self.resource!r} is not an address")
        return parts

    def matches(self, check_id: str, stack: str, address: str) -> bool:
        return (
            self.check_id == check_id
            and fnmatch.fnmatchcase(address, self.address)
            and (self.stack is None or fnmatch.fnmatchcase(stack, self.stack))
        )

    def expired(self, today: dt.date) -> bool:
        """Valid through its expiry day."""
        return today > self.expires

    def label(self) -> str:
        return f"#{self.index} {self.check_id} {self.resource} (expires {self.expires})"


def load_exceptions(path: Path) -> list[PolicyException]:
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text())
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: an impossible date like 2030-13-01
        raise GateError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise GateError(
            f"{path}: the top level must be a list of exceptions ({', '.join(EXCEPTION_FIELDS)}); found {type(data).__name__}"
        )
    errors: list[str] = []
    result: list[PolicyException] = []
    for i, entry in enumerate(data):
        where = f"{path}: entry [{i}]"
        if not isinstance(entry, dict):
            errors.append(f"{where}: must be a mapping with keys {', '.join(EXCEPTION_FIELDS)}")
            continue
        unknown = sorted(set(map(str, entry)) - set(EXCEPTION_FIELDS) - set(OPTIONAL_FIELDS))
        missing = [k for k in EXCEPTION_FIELDS if k not in entry]
        if unknown:
            errors.append(
                f"{where}: unknown key(s) {', '.join(unknown)}; allowed: "
                f"{', '.join(EXCEPTION_FIELDS + OPTIONAL_FIELDS)}"
            )
        if missing:
            errors.append(f"{where}: missing key(s) {', '.join(missing)}")
        if unknown or missing:
            continue
        check_id, resource, reason, expires = (entry[k] for k in EXCEPTION_FIELDS)
        if not isinstance(check_id, str) or not CHECK_ID.match(check_id):
            errors.append(
                f"{where}.check_id: {check_id!r} is not a checkov id like CKV_AWS_144 or CKV_MCAI_2"
            )
        compensated_by = entry.get("compensated_by")
        if compensated_by is not None and compensated_by not in CATALOG:
            errors.append(
                f"{where}.compensated_by: {compensated_by!r} is not a custom check ({', '.join(CATALOG)})"
            )
        if isinstance(resource, str) and "*" in resource.rsplit(":", 1)[-1]:
            errors.append(
                f"{where}.resource: {resource!r} has a wildcard in the resource name: name each resource "
                "(a stack id may keep `*`), and back a family decision with a custom check (compensated_by)"
            )
        elif (
            not isinstance(resource, str)
            or not (parts := ADDRESS.match(resource))
            or parts["address"].startswith("resource.")
        ):
            errors.append(
                f"{where}.resource: {resource!r} is not '<type>.<name>' or '<stack-id>:<type>.<name>' as the gate prints it"
            )
        if not isinstance(reason, str) or not reason.strip():
            errors.append(f"{where}.reason: say why the check does not apply")
        if isinstance(expires, str):
            with contextlib.suppress(ValueError):
                expires = dt.date.fromisoformat(expires)
        if type(expires) is not dt.date:  # yaml gives a date for an unquoted YYYY-MM-DD
            errors.append(f"{where}.expires: {entry['expires']!r} is not a date YYYY-MM-DD")
            continue
        if not errors:
            result.append(PolicyException(i, check_id, resource, reason.strip(), expires, compensated_by))
    if errors:
        raise GateError("invalid exceptions file:\n  " + "\n  ".join(errors))
    return result


# ---------------------------------------------------------------------------------------------
# stacks and addresses


class StackIndex:
    """One cdk.tf.json: resource types by name, to turn checkov's `resource.<name>` into an address."""

    def __init__(self, path: Path):
        self.path = path
        text = path.read_text()
        self.lines = text.splitlines()
        self.data = json.loads(text)
        self.types_by_name: dict[str, list[str]] = defaultdict(list)
        for rtype, resources in (self.data.get("resource") or {}).items():
            for name in resources or {}:
                if name != "//":
                    self.types_by_name[name].append(rtype)

    @property
    def stack_id(self) -> str:
        return self.path.parent.name

    def resource_type(self, name: str, start_line: int) -> str | None:
        types = self.types_by_name.get(name, [])
        if len(types) == 1:
            return types[0]
        # Same name under several types: the enclosing key of the line that opens the resource
        # (checkov's start line) is its type in pretty-printed JSON, which cdktf always writes.
        if not types or not 0 < start_line <= len(self.lines):
            return None
        opening = self.lines[start_line - 1]
        indent = len(opening) - len(opening.lstrip())
        for line in reversed(self.lines[: start_line - 1]):
            if line.strip() and len(line) - len(line.lstrip()) < indent:
                match = re.match(r'\s*"([^"]+)"\s*:\s*\{', line)
                return match[1] if match and match[1] in types else None
        return None

    def construct_path(self, rtype: str, name: str) -> str | None:
        resource = (self.data.get("resource") or {}).get(rtype, {}).get(name) or {}
        return ((resource.get("//") or {}).get("metadata") or {}).get("path")

    def count(self, resource_types: Iterable[str]) -> int:
        resources = self.data.get("resource") or {}
        return sum(len([n for n in resources.get(t) or {} if n != "//"]) for t in resource_types)


def find_stacks(out_dir: Path) -> list[Path]:
    stacks = sorted(out_dir.glob("stacks/*/cdk.tf.json"))
    if not stacks:
        raise GateError(
            f"no stacks under {out_dir}/stacks/*/cdk.tf.json: run `make synth` first, or pass --out DIR"
        )
    return stacks


# ---------------------------------------------------------------------------------------------
# checkov


@dataclass
class Scan:
    """What one checkov run saw: the terraform_json and secrets reports, the scanned copy of each stack
    file (IAM policy documents substituted), and the policy arguments that could not be resolved."""

    report: dict[str, Any]
    secrets: dict[str, Any]
    seconds: float
    copies: dict[Path, Path]  # scanned copy (resolved) -> stack file
    unresolved: dict[Path, list[tuple[str, str, str]]]
    scanned_stacks: int = 0  # stack files checkov read this run
    cached_stacks: int = 0  # stack files whose findings came from the scan cache


def resolved_copy(stack_file: Path, copy: Path) -> list[tuple[str, str, str]]:
    """Write `stack_file` to `copy` with every `${data.aws_iam_policy_document.X.json}` policy argument
    replaced by the rendered JSON, on the same line (file:line of every finding stays true)."""
    text = stack_file.read_text()
    data, unresolved = resolve_stack(json.loads(text))
    original = json.loads(text)
    lines = text.splitlines(keepends=True)
    for rtype, resources in (data.get("resource") or {}).items():
        for name, conf in (resources or {}).items():
            if not isinstance(conf, dict):
                continue
            for key, value in conf.items():
                before = (((original.get("resource") or {}).get(rtype) or {}).get(name) or {}).get(key)
                if value == before or not isinstance(before, str):
                    continue
                needle = f"{json.dumps(key)}: {json.dumps(before)}"
                for i, line in enumerate(lines):
                    if needle in line:
                        lines[i] = line.replace(needle, f"{json.dumps(key)}: {json.dumps(value)}")
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text("".join(lines))
    return unresolved


FRAMEWORKS = ("terraform_json", "secrets")


def checkov_command(framework: str, out: Path) -> list[str]:
    """One checkov process for `framework`: policies/checkov_cli.py (checkov's own command line with
    its JSON reader on libyaml), offline, JSON report into `out`; the stack files follow `-f`.
    `--compact` drops each record's code block (this gate reads resources and lines); the secrets
    report keeps it: a secret is named by the JSON key on its line."""
    return [
        sys.executable, str(POLICIES / "checkov_cli.py"),
        "--framework", framework,
        "--skip-download",
        *(["--external-checks-dir", str(CHECKS_DIR), "--compact"] if framework == "terraform_json" else []),
        "-o", "json",
        "--output-file-path", str(out),
    ]  # fmt: skip


def scan_cache(checkov_version: str) -> ScanCache | None:
    """The scan cache for this check set: checkov's version, both frameworks' command lines (the
    interpreter and script path aside: the script's bytes count instead) and every file of
    policies/checks/ fingerprint it."""
    parts = [checkov_version, *(arg for fw in FRAMEWORKS for arg in checkov_command(fw, Path("<out>"))[2:])]
    files = [p for p in CHECKS_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return ScanCache.open(
        REPO / ".cache" / "policy", fingerprint(parts, [*files, POLICIES / "checkov_cli.py"])
    )


def run_checkov(files: list[Path], prefixes: dict[Path, str] | None = None) -> Scan:
    """`prefixes`: a folder per file for the scanned copy (a batch: runs share stack ids).

    Stacks whose scanned bytes were seen before take their findings from the scan cache
    (policies/scan_cache.py); checkov runs on the others only, one process per framework side by
    side (the secrets scan alone takes about as long as the terraform_json one)."""
    version = importlib.metadata.version("checkov")
    cache = scan_cache(version)
    with tempfile.TemporaryDirectory(prefix="policy-") as tmp:
        root = Path(tmp) / "scan"
        copies: dict[Path, Path] = {}
        unresolved: dict[Path, list[tuple[str, str, str]]] = {}
        todo: dict[str, list[str]] = {fw: [] for fw in FRAMEWORKS}
        reports: dict[str, dict[str, Any]] = {
            fw: {
                "check_type": fw,
                "results": {"passed_checks": [], "failed_checks": [], "parsing_errors": []},
            }
            for fw in FRAMEWORKS
        }
        scanned: dict[Path, tuple[str, bytes]] = {}  # copy -> (stack folder, bytes)
        for f in files:
            rel = Path((prefixes or {}).get(f, ".")) / "stacks" / f.parent.name / f.name
            copy = root / rel
            unresolved[f] = resolved_copy(f, copy)
            copies[copy.resolve()] = f
            data = copy.read_bytes()
            scanned[copy.resolve()] = (f.parent.name, data)
            for fw in FRAMEWORKS:
                hit = cache.get(fw, f.parent.name, data) if cache else None
                if hit is None:
                    todo[fw].append(str(rel))
                    continue
                for kind, rows in hit.items():
                    reports[fw]["results"][kind] += [dict(r, file_abs_path=str(copy)) for r in rows]
        procs = {}
        started = time.monotonic()
        for fw, relative in todo.items():
            if relative:
                # The custom checks find the stack file relative to checkov's working directory: the copies.
                procs[fw] = subprocess.Popen(
                    [*checkov_command(fw, Path(tmp) / fw), "-f", *relative],
                    cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                )  # fmt: skip
        stderr = []
        for fw, proc in procs.items():
            stdout, err = proc.communicate()
            stderr.append(err)
            out = Path(tmp) / fw / "results_json.json"
            if proc.returncode not in (0, 1) or not out.exists():
                raise GateError(
                    f"checkov ({fw}) failed (exit {proc.returncode}):\n{err[-4000:]}{stdout[-2000:]}"
                )
            data = json.loads(out.read_text())
            # A framework with nothing to report writes an empty summary object.
            report: dict[str, Any] = next(
                (r for r in (data if isinstance(data, list) else [data]) if r.get("results")), {}
            )
            results = report.get("results") or {}
            errors = [str(e) for e in results.get("parsing_errors") or []]
            # checkov names an unparsable file relative to its working directory (-f) or absolute.
            unparsed = {
                (Path(e) if Path(e).is_absolute() else root / e.lstrip("/")).resolve() for e in errors
            }
            reports[fw]["results"]["parsing_errors"] += errors
            per_copy: dict[Path, dict[str, list[dict[str, Any]]]] = {
                (root / r).resolve(): {"passed_checks": [], "failed_checks": []} for r in todo[fw]
            }
            for kind in ("passed_checks", "failed_checks"):
                for record in results.get(kind) or []:
                    # -f with relative paths: terraform_json reports them relative to its cwd
                    path = Path(record["file_abs_path"])
                    path = (path if path.is_absolute() else root / path).resolve()
                    record["file_abs_path"] = str(path)
                    per_copy.setdefault(path, {"passed_checks": [], "failed_checks": []})[kind].append(record)
                    reports[fw]["results"][kind].append(record)
            for path, records in per_copy.items():
                folder, content = scanned.get(path, ("", b""))
                if cache and folder and path not in unparsed:
                    cache.put(fw, folder, content, records)
        seconds = time.monotonic() - started
    if cache:
        cache.prune()
    if any(e.strip() for e in stderr) and os.environ.get("POLICY_VERBOSE"):
        print("\n".join(stderr), file=sys.stderr)
    for fw in FRAMEWORKS:
        reports[fw].setdefault("summary", {})["checkov_version"] = version
    scanned_stacks = max(len(v) for v in todo.values())
    return Scan(
        reports["terraform_json"], reports["secrets"], seconds, copies, unresolved,
        scanned_stacks=scanned_stacks, cached_stacks=len(files) - scanned_stacks,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# findings


@dataclass
class Result:
    check_id: str
    check_name: str
    passed: bool
    stack: str
    address: str
    file: str
    line: int
    end_line: int
    details: list[str]
    fix: str
    construct_path: str | None = None
    exception: PolicyException | None = field(default=None, repr=False)

    @property
    def why(self) -> str:
        """What is wrong here: the custom checks' findings, else the check's name."""
        return "; ".join(self.details) or self.check_name

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("exception")
        data["why"] = self.why
        if self.exception:
            data["exception"] = {
                "index": self.exception.index,
                "reason": self.exception.reason,
                "expires": str(self.exception.expires),
            }
        return data


def fix_text(record: dict[str, Any]) -> str:
    if record["check_id"] in CATALOG:
        return CATALOG[record["check_id"]].fix
    guideline = record.get("guideline")
    if guideline:
        return str(guideline)
    # Offline (--skip-download) checkov has no guideline links; its policy index lists every id.
    return f"checkov built-in: look up {record['check_id']} in {CHECKOV_INDEX}"


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def to_results(
    report: dict[str, Any], stacks: dict[Path, StackIndex], copies: dict[Path, Path] | None = None
) -> list[Result]:
    """Findings by resource. `copies` maps each scanned copy to its stack file (run_checkov scans
    copies with the IAM documents resolved; line numbers are the same)."""
    results = []
    by_resolved = {p.resolve(): s for p, s in stacks.items()}
    for copy, original in (copies or {}).items():
        by_resolved[copy.resolve()] = stacks[original]
    raw = report.get("results") or {}
    for passed, records in ((True, raw.get("passed_checks") or []), (False, raw.get("failed_checks") or [])):
        for record in records:
            path = Path(record["file_abs_path"]).resolve()
            index = by_resolved.get(path)
            if index is None:
                continue  # not a stack file (checkov was only given stack files)
            start, end = record["file_line_range"]
            if record.get("check_type") == "secrets" or record["check_id"].startswith("CKV_SECRET"):
                # A secret has no resource: it is named by the JSON key on its line.
                code = record.get("code_block") or [[start, ""]]
                key = re.search(r'"([A-Za-z0-9_-]+)"\s*:', str(code[0][1]))
                results.append(
                    Result(
                        check_id=record["check_id"],
                        check_name=record["check_name"],
                        passed=passed,
                        stack=index.stack_id,
                        address=f"secret.{key[1] if key else f'line_{start}'}",
                        file=display_path(index.path),
                        line=start,
                        end_line=end,
                        details=list(record.get("details") or []),
                        fix="Remove the secret from the configuration: generate it (random_password) or "
                        "read it at apply time from Vault / a secret manager.",
                    )
                )
                continue
            name = record["resource"].split(".", 1)[1] if "." in record["resource"] else record["resource"]
            rtype = index.resource_type(name, start)
            address = f"{rtype}.{name}" if rtype else record["resource"]
            results.append(
                Result(
                    check_id=record["check_id"],
                    check_name=record["check_name"],
                    passed=passed,
                    stack=index.stack_id,
                    address=address,
                    file=display_path(index.path),
                    line=start,
                    end_line=end,
                    details=list(record.get("details") or []),
                    fix=fix_text(record),
                    construct_path=index.construct_path(rtype, name) if rtype else None,
                )
            )
    return results


def custom_checks_missing(results: list[Result], stacks: Iterable[StackIndex]) -> list[str]:
    """Custom checks that produced nothing although resources they cover exist (did not load)."""
    ran = Counter(r.check_id for r in results)
    missing = []
    for meta in CATALOG.values():
        present = sum(s.count(meta.resources) for s in stacks)
        if present and not ran[meta.id]:
            missing.append(f"{meta.id} (no result for {present} resources it covers)")
    return missing


def check_counts(results: list[Result]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"passed": 0, "failed": 0})
    for r in results:
        counts[r.check_id]["passed" if r.passed else "failed"] += 1
    return dict(sorted(counts.items()))


def environment(stack_id: str) -> str:
    """Stack ids read <env>-<cloud>-<region>-<component>: the environment is the first part."""
    return stack_id.split("-", 1)[0]


@dataclass
class Coverage:
    """What the gate did NOT check: resources that no check produced a result for (their type has no
    check, built-in or custom) and policy inputs that could not be resolved for evaluation."""

    resources: list[tuple[str, str]]  # (stack, address) with no result at all
    unresolved: list[tuple[str, str, str]]  # (stack, address, why)

    @classmethod
    def of(
        cls,
        results: list[Result],
        stacks: dict[Path, StackIndex],
        unresolved: dict[Path, list[tuple[str, str, str]]],
    ) -> Coverage:
        seen = {(r.stack, r.address) for r in results}
        missing = []
        for index in stacks.values():
            for rtype, resources in (index.data.get("resource") or {}).items():
                for name in resources or {}:
                    if name != "//" and (index.stack_id, f"{rtype}.{name}") not in seen:
                        missing.append((index.stack_id, f"{rtype}.{name}"))
        bad = [
            (stacks[f].stack_id, f"{t}.{n}", why) for f, items in unresolved.items() for t, n, why in items
        ]
        return cls(sorted(missing), sorted(bad))

    @property
    def resources_total(self) -> int:
        return len(self.resources)

    @property
    def not_evaluated_total(self) -> int:
        return len(self.resources) + len(self.unresolved)

    def by_type(self) -> dict[str, int]:
        return dict(sorted(Counter(a.split(".", 1)[0] for _, a in self.resources).items()))

    def per_environment(self, results: list[Result]) -> dict[str, dict[str, int]]:
        envs: dict[str, dict[str, int]] = defaultdict(
            lambda: {"passed": 0, "failed": 0, "excepted": 0, "not_evaluated": 0}
        )
        for r in results:
            key = "passed" if r.passed else ("excepted" if r.exception else "failed")
            envs[environment(r.stack)][key] += 1
        for stack, _ in self.resources:
            envs[environment(stack)]["not_evaluated"] += 1
        for stack, _, _ in self.unresolved:
            envs[environment(stack)]["not_evaluated"] += 1
        return dict(sorted(envs.items()))

    def table(self, results: list[Result]) -> str:
        rows = [
            [env, str(c["passed"]), str(c["failed"]), str(c["excepted"]), str(c["not_evaluated"])]
            for env, c in self.per_environment(results).items()
        ]
        types = ", ".join(f"{t} {n}" for t, n in sorted(self.by_type().items(), key=lambda x: -x[1])[:12])
        lines = [
            "\nBY ENVIRONMENT (not evaluated: resources no check covers + policy inputs not resolved)",
            table(["ENV", "PASSED", "FAILED", "EXCEPTED", "NOT EVALUATED"], rows, [None] * 5),
            f"not evaluated by type (top 12): {types or 'none'}",
        ]
        lines += [f"not resolved: {s}:{a}: {why}" for s, a, why in self.unresolved]
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "resources_by_type": self.by_type(),
            "resources": [f"{s}:{a}" for s, a in self.resources],
            "unresolved_inputs": [{"resource": f"{s}:{a}", "why": why} for s, a, why in self.unresolved],
        }


# ---------------------------------------------------------------------------------------------
# output


def table(headers: list[str], rows: list[list[str]], widths: list[int | None]) -> str:
    """A plain-text table. Cells wrap to their column's maximum width (None: never wrap); a rule
    separates rows whose first cell differs (one group per check), so wrapped lines stay readable."""
    wrapped = [
        [
            [str(c)] if w is None else textwrap.wrap(str(c), w, break_on_hyphens=False) or [""]
            for c, w in zip(row, widths, strict=False)
        ]
        for row in rows
    ]
    actual = [
        max([len(h)] + [len(line) for row in wrapped for line in row[i]]) for i, h in enumerate(headers)
    ]
    rule = "+-" + "-+-".join("-" * w for w in actual) + "-+"
    out = [
        rule,
        "| " + " | ".join(h.ljust(w) for h, w in zip(headers, actual, strict=False)) + " |",
        rule.replace("-", "="),
    ]
    for n, row in enumerate(wrapped):
        if n and rows[n][0] != rows[n - 1][0]:
            out.append(rule)
        for i in range(max(len(c) for c in row)):
            out.append(
                "| "
                + " | ".join((c[i] if i < len(c) else "").ljust(w) for c, w in zip(row, actual, strict=False))
                + " |"
            )
    out.append(rule)
    return "\n".join(out)


def print_report(
    failures: list[Result],
    excepted: list[Result],
    expired: list[PolicyException],
    stale: list[PolicyException],
    summary: str,
) -> None:
    if failures:
        print(f"\nPOLICY FAILURES ({len(failures)})")
        rows = [[r.check_id, r.address, r.stack, f"{r.file}:{r.line}", r.why] for r in failures]
        print(table(["CHECK", "RESOURCE", "STACK", "FILE:LINE", "WHY"], rows, [None, 50, None, None, 70]))
        print("\nHOW TO FIX")
        fixes: dict[str, Result] = {}
        for r in failures:
            fixes.setdefault(r.check_id, r)
        rows = [[cid, r.check_name, r.fix] for cid, r in fixes.items()]
        print(table(["CHECK", "WHAT IT PROTECTS", "HOW TO FIX"], rows, [None, 50, 90]))
    if excepted:
        # One row per exception entry (per-resource detail is in the JSON, JUnit and SARIF results).
        print(f"\nEXCEPTED by policies/exceptions.yaml ({len(excepted)} failures, by entry)")
        counts: dict[int, int] = {}
        entries: dict[int, PolicyException] = {}
        for e in (r.exception for r in excepted if r.exception):
            counts[e.index] = counts.get(e.index, 0) + 1
            entries[e.index] = e
        rows = [
            [e.check_id, e.resource, str(counts[i]), str(e.expires), e.reason]
            for i, e in sorted(entries.items())
        ]
        print(table(["CHECK", "RESOURCE", "MATCHED", "EXPIRES", "REASON"], rows, [None, 50, None, None, 70]))
    for e in expired:
        print(
            f"ERROR: exception {e.label()} has expired: renew it with a reason, or fix the resource and delete it"
        )
    for e in stale:
        print(f"WARNING: exception {e.label()} matches no failing check: delete it (stale)")
    print(f"\n{summary}")


def write_junit(
    path: Path, results: list[Result], expired: list[PolicyException], coverage: Coverage | None = None
) -> None:
    suites = ET.Element("testsuites", name="policy")
    if coverage is not None:
        # Resources no check covers are skipped test cases: visible in every JUnit viewer.
        suite = ET.SubElement(
            suites,
            "testsuite",
            name="not-evaluated",
            tests=str(coverage.not_evaluated_total),
            failures="0",
            errors="0",
            skipped=str(coverage.not_evaluated_total),
        )
        for stack, address in coverage.resources:
            case = ET.SubElement(suite, "testcase", classname="not-evaluated", name=f"{stack}:{address}")
            ET.SubElement(case, "skipped", message="no check covers this resource type")
        for stack, address, why in coverage.unresolved:
            case = ET.SubElement(suite, "testcase", classname="not-resolved", name=f"{stack}:{address}")
            ET.SubElement(case, "skipped", message=f"input not resolved: {why}")
    by_check: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_check[r.check_id].append(r)
    for check_id, rs in sorted(by_check.items()):
        failed = [r for r in rs if not r.passed and not r.exception]
        skipped = [r for r in rs if not r.passed and r.exception]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=check_id,
            tests=str(len(rs)),
            failures=str(len(failed)),
            skipped=str(len(skipped)),
            errors="0",
        )
        for r in rs:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=check_id,
                name=f"{r.stack}:{r.address}",
                file=r.file,
                line=str(r.line),
            )
            if not r.passed and r.exception:
                ET.SubElement(
                    case, "skipped", message=f"exception until {r.exception.expires}: {r.exception.reason}"
                )
            elif not r.passed:
                failure = ET.SubElement(case, "failure", message=r.why, type=check_id)
                failure.text = f"{r.file}:{r.line}\nwhy: {r.why}\nfix: {r.fix}"
    if expired:
        suite = ET.SubElement(
            suites,
            "testsuite",
            name="exceptions",
            tests=str(len(expired)),
            failures=str(len(expired)),
            errors="0",
            skipped="0",
        )
        for e in expired:
            case = ET.SubElement(suite, "testcase", classname="exceptions", name=e.label())
            ET.SubElement(case, "failure", message="expired exception", type="expired").text = e.reason
    ET.indent(suites)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)


def write_sarif(
    path: Path,
    results: list[Result],
    expired: list[PolicyException],
    exceptions_file: Path,
    checkov_version: str,
    coverage: Coverage | None = None,
) -> None:
    failing = [r for r in results if not r.passed]
    rules: dict[str, dict[str, Any]] = {}
    for r in failing:
        rule = rules.setdefault(
            r.check_id,
            {"id": r.check_id, "shortDescription": {"text": r.check_name}, "help": {"text": r.fix}},
        )
        if r.fix.startswith("http"):
            rule["helpUri"] = r.fix
    if expired:
        rules["MCAI_EXPIRED_EXCEPTION"] = {
            "id": "MCAI_EXPIRED_EXCEPTION",
            "shortDescription": {"text": "An exception in policies/exceptions.yaml has expired"},
        }
    sarif_results = []
    for r in failing:
        result: dict[str, Any] = {
            "ruleId": r.check_id,
            "level": "error",
            "message": {"text": f"{r.stack}:{r.address}: {r.why}"},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": r.file}, "region": {"startLine": r.line, "endLine": r.end_line}},
                "logicalLocations": [{"fullyQualifiedName": f"{r.stack}:{r.address}", "kind": "resource"}],
            }],
        }  # fmt: skip
        if r.exception:
            result["suppressions"] = [
                {"kind": "external", "justification": f"{r.exception.reason} (expires {r.exception.expires})"}
            ]
        sarif_results.append(result)
    for e in expired:
        sarif_results.append({
            "ruleId": "MCAI_EXPIRED_EXCEPTION", "level": "error",
            "message": {"text": f"exception {e.label()} has expired"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": display_path(exceptions_file)}}}],
        })  # fmt: skip
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "policy-gate (checkov)", "version": checkov_version, "informationUri": "https://www.checkov.io", "rules": list(rules.values())}},
            "results": sarif_results,
            "properties": {
                "passed": sum(r.passed for r in results),
                "failed": sum(1 for r in results if not r.passed and not r.exception),
                "excepted": sum(1 for r in results if not r.passed and r.exception),
                "not_evaluated": coverage.not_evaluated_total if coverage else None,
                "per_environment": coverage.per_environment(results) if coverage else None,
                "not_evaluated_by_type": coverage.by_type() if coverage else None,
            },
        }],
    }  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sarif, indent=2) + "\n")


# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=Path("cdktf.out"), help="synthesized directory (default cdktf.out)"
    )
    parser.add_argument(
        "--exceptions",
        type=Path,
        default=DEFAULT_EXCEPTIONS,
        help="exceptions file (default policies/exceptions.yaml)",
    )
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    parser.add_argument("--junit", type=Path, help="write JUnit XML here")
    parser.add_argument("--sarif", type=Path, help="write SARIF 2.1.0 here")
    parser.add_argument(
        "--batch",
        type=Path,
        help="JSON list of gate runs ({argv, stdout, stderr, code}): one checkov scan for them all",
    )
    return parser.parse_args(argv)


@dataclass
class Run:
    """One gate run: its arguments, exceptions and stack files, ready for checkov's report."""

    args: argparse.Namespace
    exceptions: list[PolicyException]
    files: list[Path]
    stacks: dict[Path, StackIndex]
    started: float

    @classmethod
    def prepare(cls, args: argparse.Namespace) -> Run:
        started = time.monotonic()
        exceptions = load_exceptions(args.exceptions)
        files = find_stacks(args.out)
        return cls(args, exceptions, files, {f: StackIndex(f) for f in files}, started)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.batch:
        return main_batch(args.batch)
    try:
        run = Run.prepare(args)
        scan = run_checkov(run.files)
    except GateError as exc:
        print(f"policy gate error: {exc}", file=sys.stderr)
        return 2
    return finish(run, scan)


def main_batch(batch: Path) -> int:
    """Several gate runs over ONE checkov scan (the test suite's runs: each checkov start and
    check loading costs seconds). Each run writes what `main` would have: its result files, its
    printed report (`stdout`, `stderr`) and its exit status (`code`). The stack files of all runs
    are scanned together, each run's copies in a folder of their own; each run reads back only
    the records of its own files."""
    jobs = json.loads(batch.read_text())
    runs: list[tuple[dict[str, Any], Run | None, str]] = []
    for job in jobs:
        try:
            runs.append((job, Run.prepare(parse_args(job["argv"])), ""))
        except GateError as exc:
            runs.append((job, None, f"policy gate error: {exc}"))
    prefixes = {f: f"run-{i}" for i, (_, run, _) in enumerate(runs) if run for f in run.files}
    scan, crashed = None, ""
    try:
        if prefixes:
            scan = run_checkov(list(prefixes), prefixes)
    except GateError as exc:
        crashed = f"policy gate error: {exc}"
    for job, run, error in runs:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            if run is None or crashed or scan is None:
                print(error or crashed, file=sys.stderr)
                code = 2
            else:
                code = finish(run, scan)
        Path(job["stdout"]).write_text(out.getvalue())
        Path(job["stderr"]).write_text(err.getvalue())
        Path(job["code"]).write_text(f"{code}\n")
    return 0


def finish(run: Run, scan: Scan) -> int:
    """Exceptions, report and result files of one run from the scan (which may cover more runs:
    to_results keeps the records of this run's files only)."""
    args, exceptions, files, stacks, started = run.args, run.exceptions, run.files, run.stacks, run.started
    report, checkov_seconds = scan.report, scan.seconds
    copies = {c: f for c, f in scan.copies.items() if f in stacks}
    unresolved = {f: v for f, v in scan.unresolved.items() if f in stacks}
    scan = dataclasses.replace(scan, copies=copies, unresolved=unresolved)
    try:
        parse_errors = (report.get("results") or {}).get("parsing_errors") or []
        if parse_errors:
            raise GateError("checkov could not parse: " + ", ".join(parse_errors))
        results = to_results(report, stacks, scan.copies) + to_results(scan.secrets, stacks, scan.copies)
        missing = custom_checks_missing(results, stacks.values())
        if missing:
            raise GateError(
                "custom checks did not run: "
                + "; ".join(missing)
                + ". Is policies/checks/__init__.py there? Does the check import? (LOG_LEVEL=DEBUG checkov ... shows why)"
            )
    except GateError as exc:
        print(f"policy gate error: {exc}", file=sys.stderr)
        return 2

    today = dt.date.today()
    expired = [e for e in exceptions if e.expired(today)]
    active = [e for e in exceptions if not e.expired(today)]
    used: set[int] = set()
    failures: list[Result] = []
    excepted: list[Result] = []
    passed_keys = {(r.check_id, r.stack, r.address) for r in results if r.passed}
    for r in results:
        if r.passed:
            continue
        candidates = [e for e in active if e.matches(r.check_id, r.stack, r.address)]
        match = next(
            (
                e
                for e in candidates
                if not e.compensated_by or (e.compensated_by, r.stack, r.address) in passed_keys
            ),
            None,
        )
        for e in candidates:
            if e is not match and e.compensated_by:
                used.add(e.index)  # it matched: not stale, but its compensating control is missing
                r.details.append(f"exception #{e.index} not applied: the resource fails {e.compensated_by}")
        if match:
            r.exception = match
            used.add(match.index)
            excepted.append(r)
        else:
            failures.append(r)
    stale = [e for e in active if e.index not in used]
    # Residency (custom) checks first, then checkov's built-ins.
    order = lambda r: (r.check_id not in CATALOG, r.check_id, r.stack, r.address)  # noqa: E731
    failures.sort(key=order)
    excepted.sort(key=order)

    total_seconds = time.monotonic() - started
    passed = sum(r.passed for r in results)
    coverage = Coverage.of(results, stacks, scan.unresolved)
    raw_builtin = sum(1 for r in results if not r.passed and r.check_id not in CATALOG)
    summary = (
        f"policy: {len(files)} stacks, {passed} passed, {len(failures)} failed, {len(excepted)} excepted, "
        f"{coverage.not_evaluated_total} not evaluated ({coverage.resources_total} resources no check covers, "
        f"{len(coverage.unresolved)} inputs not resolved); {raw_builtin} raw built-in failures before exceptions; "
        f"{len(expired)} expired and {len(stale)} stale exceptions "
        f"(checkov {report.get('summary', {}).get('checkov_version', '?')}: {checkov_seconds:.1f}s for "
        f"{scan.scanned_stacks} stacks, {scan.cached_stacks} from the scan cache; total {total_seconds:.1f}s)"
    )
    print_report(failures, excepted, expired, stale, coverage.table(results) + "\n" + summary)
    version = report.get("summary", {}).get("checkov_version")
    if version and version != PINNED_CHECKOV:
        print(f"WARNING: checkov {version} ran; the custom checks are tested with {PINNED_CHECKOV}")

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "out": str(args.out),
            "stacks": [display_path(f) for f in files],
            "failures": [r.as_json() for r in failures],
            "excepted": [r.as_json() for r in excepted],
            "expired_exceptions": [e.label() for e in expired],
            "stale_exceptions": [e.label() for e in stale],
            "check_counts": check_counts(results),
            "counts": {
                "passed": passed,
                "failed": len(failures),
                "excepted": len(excepted),
                "not_evaluated": coverage.not_evaluated_total,
                "raw_builtin_failures": raw_builtin,
                "exceptions": len(exceptions),
            },
            "per_environment": coverage.per_environment(results),
            "not_evaluated": coverage.as_json(),
            "seconds": {"checkov": round(checkov_seconds, 2), "total": round(total_seconds, 2)},
            "scan_cache": {"scanned_stacks": scan.scanned_stacks, "cached_stacks": scan.cached_stacks},
        }, indent=2) + "\n")  # fmt: skip
    if args.junit:
        write_junit(args.junit, results, expired, coverage)
    if args.sarif:
        version = report.get("summary", {}).get("checkov_version", "unknown")
        write_sarif(args.sarif, results, expired, args.exceptions, version, coverage)
    return 1 if failures or expired else 0


if __name__ == "__main__":
    sys.exit(main())
