"""Issue #15 rules, one property per test: cluster_defaults errors once, field and cross-field
errors together, deduplication, cross-file checks, the dated cloud tables and secret redaction.

Expected values are literals (paths, counts, versions from the cited pages), not recomputed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from stacks.cloud_tables import KUBERNETES_MINORS, MACHINE_TYPES, zone_in_region
from stacks.environments import ENV_DIR, ParameterErrors, load_environments
from stacks.validation import ParameterError, Problem, load_environment

REPO = Path(__file__).resolve().parents[2]


def base(env: str) -> dict:
    return yaml.safe_load((ENV_DIR / f"{env}.yaml").read_text())


def problems(tmp_path: Path, data: dict, env: str) -> list[str]:
    path = tmp_path / f"{env}.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ParameterError) as exc:
        load_environment(path)
    return [f"{p.path}: {p.message}" for p in exc.value.problems]


def test_cluster_defaults_error_reported_once_at_its_own_path(tmp_path):
    data = base("dev")  # three clusters share the defaults
    data["cluster_defaults"]["node_pools"]["gpu"] = {"max_size": "lots"}
    probs = problems(tmp_path, data, "dev")
    assert len(probs) == 1, probs
    assert probs[0].startswith("cluster_defaults.node_pools.gpu.max_size: ")


def test_cluster_defaults_refuses_per_cluster_identity_keys(tmp_path):
    data = base("dev")
    data["cluster_defaults"]["cloud"] = "aws"
    probs = problems(tmp_path, data, "dev")
    assert probs == [
        "cluster_defaults.cloud: is not a key cluster_defaults accepts (name, cloud, region, jurisdiction and "
        "ingress_hostname differ per cluster); set it on each cluster or check its spelling."
    ]


def test_cluster_own_value_still_reported_at_the_cluster(tmp_path):
    data = base("dev")
    data["clusters"][0]["node_pools"] = {"gpu": {"max_size": -1}}
    probs = problems(tmp_path, data, "dev")
    assert [p.split(":")[0] for p in probs] == ["clusters[0 aws-us-east-1].node_pools.gpu.max_size"]


def test_field_and_cross_field_errors_in_one_run(tmp_path):
    data = base("prod")
    data["clusters"][0]["node_pools"] = {"workload": {"disk_size_gb": 5}}  # field error
    data["edge"]["fallback_cluster"] = "nowhere"  # cross-field error
    paths = [p.split(":")[0] for p in problems(tmp_path, data, "prod")]
    assert paths == ["clusters[0 aws-us-east-1].node_pools.workload.disk_size_gb", "edge.fallback_cluster"]


def test_messages_are_deduplicated():
    err = ParameterError("f.yaml", [Problem("a", "x."), Problem("a", "x."), Problem("b", "x.")])
    assert [p.path for p in err.problems] == ["a", "b"]


def test_copied_environment_file_clashes_with_the_original(tmp_path):
    for name in ("dev", "prod"):
        shutil.copy(ENV_DIR / f"{name}.yaml", tmp_path / f"{name}.yaml")
    copy = base("prod")
    copy["name"] = "perf"  # a copy of prod, renamed only
    (tmp_path / "perf.yaml").write_text(yaml.safe_dump(copy))
    with pytest.raises(ParameterErrors) as exc:
        load_environments(env_dir=tmp_path)
    (err,) = exc.value.errors
    assert err.file.endswith("perf.yaml")
    paths = {p.path for p in err.problems}
    assert {"dns_zone", "edge.cloudflare_zone_id", "edge.api_hostname", "vault.address"} <= paths
    assert "clusters[0 aws-us-east-1].ingress_hostname" in paths


def test_overlapping_cidrs_between_environments_are_a_warning(tmp_path):
    dev = base("dev")
    dev["clusters"][0]["network"]["cidr"] = "10.10.0.0/16"  # prod's aws-us-east-1 range
    (tmp_path / "dev.yaml").write_text(yaml.safe_dump(dev))
    shutil.copy(ENV_DIR / "prod.yaml", tmp_path / "prod.yaml")
    run = subprocess.run(
        [sys.executable, "-m", "stacks", "validate", str(tmp_path / "dev.yaml"), str(tmp_path / "prod.yaml")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert (
        "prod.yaml: clusters[0 aws-us-east-1].network.cidr: warning: 10.10.0.0/16 overlaps 10.10.0.0/16"
        in run.stderr
    )


@pytest.mark.parametrize(
    ("cloud", "minor", "offered"),
    [
        # EKS: 1.31's extended support ended 2026-11-26; 1.35 is offered (endoflife.date/amazon-eks)
        ("aws", "1.31", False),
        ("aws", "1.35", True),
        # GKE: 1.32's maintenance ended 2026-04-11 (endoflife.date/google-kubernetes-engine)
        ("gcp", "1.32", False),
        ("gcp", "1.34", True),
        ("azure", "1.29", False),
    ],
)
def test_kubernetes_minor_table(cloud, minor, offered):
    assert (minor in KUBERNETES_MINORS[cloud]) is offered


@pytest.mark.parametrize(
    ("cloud", "machine", "ok"),
    [
        ("aws", "g5.12xlarge", True),
        ("aws", "n2-standard-8", False),
        ("gcp", "a2-highgpu-1g", True),
        ("gcp", "Standard_D8s_v3", False),
        ("azure", "Standard_NC24ads_A100_v4", True),
        ("azure", "m5.2xlarge", False),
    ],
)
def test_machine_families_belong_to_their_cloud(cloud, machine, ok):
    assert bool(MACHINE_TYPES[cloud].match(machine)) is ok


def test_zones_belong_to_the_region():
    assert zone_in_region("aws", "us-east-1", "us-east-1c")
    assert not zone_in_region("aws", "us-east-1", "us-east-2a")
    assert zone_in_region("gcp", "europe-west1", "europe-west1-b")
    assert not zone_in_region("gcp", "europe-west1", "europe-west4-a")
    assert zone_in_region("azure", "eastus", "2") and not zone_in_region("azure", "eastus", "4")


def test_pasted_key_is_reported_and_never_echoed(tmp_path):
    data = base("prod")
    data["clusters"][0]["region"] = "AKIAIOSFODNN7EXAMPLE"  # also an unknown region
    probs = problems(tmp_path, data, "prod")
    assert any(
        p.startswith("clusters[0 aws-us-east-1].region: the value looks like an AWS access key id")
        for p in probs
    )
    assert not any("AKIAIOSFODNN7EXAMPLE" in p for p in probs)
