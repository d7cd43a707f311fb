"""The GitHub workflow can hold deploy credentials: it must stay pinned, least-privileged and
free of script injection (issue #25).

zizmor (`make lint-ci`, run by `make test`) is the broad check; these tests hold the project's
own rules in plain Python so a reader sees them, and each rule is also run on a mutated copy of
the real workflow to prove it can fail. The rules follow GitHub's "Security hardening for GitHub
Actions" guide: pin actions to a full-length commit SHA, give GITHUB_TOKEN the least permissions,
and pass untrusted context to scripts through environment variables, never `${{ }}` in `run:`.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
# `uses: owner/repo@<sha> # v1.2.3`: the tag in the comment is what Dependabot updates with the SHA.
PINNED_LINE = re.compile(r"uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+)*\s*$")
# The only write scopes this workflow may hold, and on which job (literal, from the issue).
ALLOWED_WRITES = {("comment", "pull-requests"), ("plan", "id-token"), ("deploy", "id-token")}


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _steps(doc: dict):
    for job_id, job in doc["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


# ---- the rules -------------------------------------------------------------------------------
def unpinned_uses(doc: dict) -> list[str]:
    refs = [step["uses"] for _, step in _steps(doc) if "uses" in step]
    refs += [job["uses"] for job in doc["jobs"].values() if "uses" in job]  # reusable workflows
    return [ref for ref in refs if not ref.startswith("./") and not SHA_PIN.match(ref)]


def uses_lines_without_version_comment(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if re.match(r"\s*(-\s*)?uses:", line)]
    return [line for line in lines if "uses: ./" not in line and not PINNED_LINE.search(line)]


def checkouts_persisting_credentials(doc: dict) -> list[str]:
    return [
        job_id
        for job_id, step in _steps(doc)
        if step.get("uses", "").startswith("actions/checkout@")
        and (step.get("with") or {}).get("persist-credentials") is not False
    ]


def expressions_in_run(doc: dict) -> list[str]:
    return [f"{job_id}: {step['run']}" for job_id, step in _steps(doc) if "${{" in str(step.get("run", ""))]


def permission_violations(doc: dict) -> list[str]:
    problems = []
    if doc.get("permissions") != {}:
        problems.append(f"top-level permissions are {doc.get('permissions')!r}, not {{}}")
    for job_id, job in doc["jobs"].items():
        perms = job.get("permissions")
        if not isinstance(perms, dict):
            problems.append(f"{job_id}: permissions {perms!r} (a mapping of scopes is required)")
            continue
        for scope, level in perms.items():
            if level not in ("read", "write", "none"):
                problems.append(f"{job_id}: {scope}: {level!r}")
            elif level == "write" and (job_id, scope) not in ALLOWED_WRITES:
                problems.append(f"{job_id}: {scope}: write")
    return problems


# ---- the real workflow -----------------------------------------------------------------------
def test_there_is_a_workflow_to_check():
    assert [p.name for p in WORKFLOWS] == ["ci.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_sha_with_its_tag(path):
    assert unpinned_uses(_load(path)) == []
    assert uses_lines_without_version_comment(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_empty_at_the_top_and_least_privilege_per_job(path):
    assert permission_violations(_load(path)) == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_checkout_persists_the_token(path):
    doc = _load(path)
    assert any(s.get("uses", "").startswith("actions/checkout@") for _, s in _steps(doc))
    assert checkouts_persisting_credentials(doc) == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_is_expanded_inside_a_run_script(path):
    assert expressions_in_run(_load(path)) == []


def test_only_the_comment_job_can_write_and_it_runs_no_repository_code():
    jobs = _load(REPO / ".github/workflows/ci.yml")["jobs"]
    assert jobs["comment"]["permissions"] == {"pull-requests": "write"}
    uses = [s.get("uses", "") for s in jobs["comment"]["steps"]]
    assert not [u for u in uses if u.startswith("actions/checkout@")]
    # The review job runs the pull request's Makefile: read-only.
    assert jobs["review"]["permissions"] == {"contents": "read"}


def test_uv_cache_is_keyed_on_both_lock_files():
    doc = _load(REPO / ".github/workflows/ci.yml")
    caches = [s["with"] for _, s in _steps(doc) if s.get("uses", "").startswith("actions/cache@")]
    uv = [c["key"] for c in caches if c["path"] == "~/.cache/uv"]
    assert uv
    for key in uv:
        assert "hashFiles('uv.lock', 'policies/requirements.lock')" in key


def test_policy_scan_cache_is_keyed_on_the_checks_and_checkov():
    # A new check or checkov version starts from an empty cache (the entries' own keys carry the
    # fingerprint too: policies/scan_cache.py).
    doc = _load(REPO / ".github/workflows/ci.yml")
    caches = [s["with"] for _, s in _steps(doc) if s.get("uses", "").startswith("actions/cache@")]
    policy = [c for c in caches if c["path"] == ".cache/policy"]
    assert policy
    for c in policy:
        assert "hashFiles('policies/**', 'policies/requirements.lock')" in c["key"]
        assert c["restore-keys"] in c["key"]


def test_the_workflow_installs_through_the_makefile_only():
    # One bootstrap on every machine (issue #12): the pinned uv in .tools/, never `python -m uv`
    # or a uv from elsewhere.
    doc = _load(REPO / ".github/workflows/ci.yml")
    runs = [str(s["run"]) for _, s in _steps(doc) if "run" in s]
    assert runs
    assert not [r for r in runs if re.search(r"-m uv\b|pip install|uv (sync|pip)", r)]


def test_dependabot_keeps_actions_uv_lock_and_npm_lock_current():
    config = _load(REPO / ".github/dependabot.yml")
    ecosystems = {(u["package-ecosystem"], u["directory"]) for u in config["updates"]}
    assert ecosystems == {("github-actions", "/"), ("uv", "/"), ("npm", "/")}


def test_zizmor_is_pinned_and_runs_offline_in_make_test():
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"zizmor==1.32.0"' in pyproject
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test: .*\blint-ci\b", makefile, re.M)
    flags = re.search(r"^ZIZMOR_FLAGS := (.*)$", makefile, re.M)
    assert flags and "--offline" in flags.group(1).split()


# ---- each rule catches a planted violation in a copy of the real workflow -------------------
@pytest.fixture
def ci():
    return _load(REPO / ".github/workflows/ci.yml")


def test_rule_catches_a_tag_reference(ci):
    ci["jobs"]["synth"]["steps"][0]["uses"] = "actions/checkout@v4"
    assert unpinned_uses(ci) == ["actions/checkout@v4"]
    assert uses_lines_without_version_comment("      - uses: actions/checkout@v4\n") != []
    sha = "3d3c42e5aac5ba805825da76410c181273ba90b1"
    assert uses_lines_without_version_comment(f"      - uses: actions/checkout@{sha}\n") != []


def test_rule_catches_a_persisted_checkout(ci):
    del ci["jobs"]["test"]["steps"][0]["with"]
    assert checkouts_persisting_credentials(ci) == ["test"]


def test_rule_catches_an_expression_in_a_run_script(ci):
    ci["jobs"]["review"]["steps"].append({"run": "make review BASE=origin/${{ github.base_ref }}"})
    assert len(expressions_in_run(ci)) == 1


def test_rule_catches_broad_permissions(ci):
    for mutate in (
        lambda d: d.pop("permissions"),
        lambda d: d.__setitem__("permissions", "write-all"),
        lambda d: d["jobs"]["test"].pop("permissions"),
        lambda d: d["jobs"]["review"]["permissions"].__setitem__("pull-requests", "write"),
        lambda d: d["jobs"]["synth"]["permissions"].__setitem__("id-token", "write"),
    ):
        doc = copy.deepcopy(ci)
        mutate(doc)
        assert permission_violations(doc) != []


def test_zizmor_gate_fails_on_a_planted_injection(tmp_path):
    """The flags `make lint-ci` uses still report a template injection (exit code non-zero)."""
    zizmor = REPO / ".venv" / "bin" / "zizmor"
    assert zizmor.exists(), "zizmor missing from .venv: it is in the dev group (uv sync)"
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    flags = re.search(r"^ZIZMOR_FLAGS := (.*)$", makefile, re.M).group(1).split()
    planted = tmp_path / ".github"
    shutil.copytree(REPO / ".github", planted)
    workflow = planted / "workflows" / "ci.yml"
    text = workflow.read_text(encoding="utf-8")
    text = text.replace('BASE="origin/$BASE_REF"', "BASE=origin/${{ github.head_ref }}")
    workflow.write_text(text, encoding="utf-8")
    env = {
        k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")
    }

    clean = subprocess.run([zizmor, *flags, REPO / ".github"], capture_output=True, text=True, env=env)
    dirty = subprocess.run([zizmor, *flags, planted], capture_output=True, text=True, env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert dirty.returncode != 0
    assert "template-injection" in dirty.stdout


# ---- keyless cloud access (issue #18) ---------------------------------------------------------
# The clouds' official actions and the inputs that carry federation, not keys (each action's
# action.yml: role-to-assume, workload_identity_provider, client-id without client-secret).
OIDC_AUTH = {
    "aws-actions/configure-aws-credentials": "role-to-assume",
    "google-github-actions/auth": "workload_identity_provider",
    "azure/login": "client-id",
}
STATIC_KEY_INPUTS = {
    "aws-access-key-id",
    "aws-secret-access-key",
    "aws-session-token",
    "credentials_json",
    "creds",
    "client-secret",
}


def oidc_auth_problems(doc: dict, job_id: str) -> list[str]:
    """The job authenticates to all three clouds through OIDC and with nothing else."""
    job = doc["jobs"][job_id]
    problems = []
    if (job.get("permissions") or {}).get("id-token") != "write":
        problems.append(f"{job_id}: no id-token: write")
    found = set()
    for step in job.get("steps", []):
        action = step.get("uses", "").split("@")[0]
        inputs = step.get("with") or {}
        if action in OIDC_AUTH:
            found.add(action)
            if not inputs.get(OIDC_AUTH[action]):
                problems.append(f"{job_id}: {action} without {OIDC_AUTH[action]}")
        if STATIC_KEY_INPUTS & set(inputs):
            problems.append(f"{job_id}: {action} gets {sorted(STATIC_KEY_INPUTS & set(inputs))}")
        for name in step.get("env") or {}:
            if re.search(
                r"AWS_SECRET|AWS_ACCESS_KEY|GOOGLE_CREDENTIALS|ARM_CLIENT_SECRET|ARM_ACCESS_KEY", name
            ):
                problems.append(f"{job_id}: env {name}")
    problems += [f"{job_id}: no {a} step" for a in sorted(set(OIDC_AUTH) - found)]
    return problems


@pytest.mark.parametrize("job_id", ["plan", "deploy"])
def test_plan_and_deploy_authenticate_to_every_cloud_through_oidc_only(ci, job_id):
    assert oidc_auth_problems(ci, job_id) == []


def test_plan_job_uses_the_plan_environment_and_uploads_plan_json_per_stack(ci):
    plan = ci["jobs"]["plan"]
    # The subject the plan identities trust: repo:<owner>/<repo>:environment:plan.
    assert plan["environment"] == "plan"
    runs = [s["run"] for s in plan["steps"] if "run" in s]
    assert any("make plan-json" in r for r in runs)
    uploads = [s for s in plan["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads and uploads[0]["with"]["path"] == "plans/${{ matrix.target.stack }}.json"
    assert uploads[0]["with"]["name"] == "plan-json-${{ matrix.target.stack }}"  # the review's pattern
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "terraform show -json plan.tfplan" in makefile


def test_deploy_runs_on_main_only_behind_the_environment_of_its_name(ci):
    deploy = ci["jobs"]["deploy"]
    assert deploy["environment"] == "${{ matrix.env }}"
    assert "github.ref == 'refs/heads/main'" in deploy["if"]
    assert "github.event_name == 'push'" in deploy["if"]
    assert "plan" in deploy["needs"]


def test_only_plan_and_deploy_may_mint_oidc_tokens(ci):
    holders = [j for j, job in ci["jobs"].items() if (job.get("permissions") or {}).get("id-token")]
    assert sorted(holders) == ["deploy", "plan"]


def test_oidc_rule_catches_a_static_key_a_missing_token_and_a_missing_cloud(ci):
    for mutate in (
        lambda d: d["jobs"]["plan"]["permissions"].pop("id-token"),
        lambda d: _auth_step(d, "aws-actions/configure-aws-credentials")["with"].update(
            {"aws-access-key-id": "${{ secrets.AWS_ACCESS_KEY_ID }}"}
        ),
        lambda d: _auth_step(d, "google-github-actions/auth")["with"].update(
            {"credentials_json": "${{ secrets.GCP_SA_KEY }}"}
        ),
        lambda d: d["jobs"]["plan"]["steps"].remove(_auth_step(d, "azure/login")),
        lambda d: d["jobs"]["plan"]["steps"][-2]["env"].update({"ARM_CLIENT_SECRET": "${{ secrets.X }}"}),
    ):
        doc = copy.deepcopy(ci)
        mutate(doc)
        assert oidc_auth_problems(doc, "plan") != []


def _auth_step(doc: dict, action: str) -> dict:
    return next(s for s in doc["jobs"]["plan"]["steps"] if s.get("uses", "").startswith(action + "@"))
