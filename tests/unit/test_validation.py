"""Parameter files: the shipped ones validate; each class of bad input is rejected by name.

Pure Python (no cdktf, no provider): each test runs in milliseconds. Bad files are written as
small edits of a shipped file, so a test fails if the rule it protects stops firing.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from stacks.environments import ENV_DIR, environment_files, load_environments
from stacks.validation import ParameterError, load_environment

REPO = Path(__file__).resolve().parents[2]


def base(env: str = "prod") -> dict:
    return yaml.safe_load((ENV_DIR / f"{env}.yaml").read_text())


def problems_for(tmp_path: Path, data: dict | str, env: str = "prod") -> list[str]:
    path = tmp_path / f"{env}.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    with pytest.raises(ParameterError) as exc:
        load_environment(path)
    return [f"{p.path}: {p.message}" for p in exc.value.problems]


def find_cluster(data: dict, name: str) -> dict:
    return next(c for c in data["clusters"] if c["name"] == name)


@pytest.mark.parametrize("path", environment_files(), ids=lambda p: p.name)
def test_shipped_environment_files_validate(path):
    env = load_environment(path)
    assert env.name == path.stem


def test_all_three_environments_exist_with_expected_cluster_counts():
    envs = {e.name: e for e in load_environments()}
    assert {n: len(e.clusters) for n, e in envs.items()} == {"dev": 3, "staging": 8, "prod": 8}
    assert envs["prod"].interconnect.kind == "megaport"
    assert envs["dev"].interconnect.kind == "vpn" and envs["staging"].interconnect.kind == "vpn"


def test_defaults_fill_pools_per_cloud_and_role():
    prod = {c.name: c for c in load_environments("prod")[0].clusters}
    gke = prod["gcp-us-central1"].node_pools
    assert (gke.system.min_size, gke.system.max_size) == (3, 3)
    assert (gke.workload.min_size, gke.workload.max_size) == (5, 50)
    assert (gke.gpu.min_size, gke.gpu.max_size) == (0, 10)
    assert gke.gpu.instance_type == "a2-highgpu-1g" and gke.gpu.accelerator.type == "nvidia-tesla-a100"
    assert gke.gpu.labels["accelerator"] == "nvidia-tesla-a100"
    assert [(t.key, t.value, t.effect) for t in gke.gpu.taints] == [
        ("nvidia.com/gpu", "present", "NoSchedule")
    ]
    assert prod["azure-eastus"].node_pools.gpu.instance_type == "Standard_NC24ads_A100_v4"
    assert prod["aws-us-east-1"].node_pools.gpu.instance_type == "g5.12xlarge"


def test_cluster_defaults_merge_under_each_cluster_and_dev_gpu_pools_are_0_to_2():
    dev = load_environments("dev")[0]
    assert {(c.node_pools.gpu.min_size, c.node_pools.gpu.max_size) for c in dev.clusters} == {(0, 2)}
    # the merge keeps the role defaults that the file did not mention
    assert all(c.node_pools.gpu.taints[0].key == "nvidia.com/gpu" for c in dev.clusters)


def test_not_yaml_gets_one_line_error(tmp_path):
    probs = problems_for(tmp_path, "name: prod\nclusters: [\n  - {name: x\n")
    assert len(probs) == 1 and "not valid YAML at line" in probs[0]


def test_non_mapping_file_rejected(tmp_path):
    probs = problems_for(tmp_path, "- just\n- a list\n")
    assert "must be a YAML mapping" in probs[0]


def test_unknown_key_named_with_its_path(tmp_path):
    data = base()
    find_cluster(data, "aws-us-east-1")["node_pools"] = {"gpu": {"max_sise": 4}}
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith("clusters[0 aws-us-east-1].node_pools.gpu.max_sise: is not a known key") for p in probs
    )


def test_unknown_region_rejected_with_choices(tmp_path):
    data = base()
    find_cluster(data, "aws-us-west-2")["region"] = "us-west-9"
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith("clusters[1 aws-us-west-2].region: 'us-west-9' is not a known aws region") for p in probs
    )


def test_region_of_another_cloud_is_named(tmp_path):
    data = base()
    find_cluster(data, "aws-us-west-2")["region"] = "us-central1"
    probs = problems_for(tmp_path, data)
    assert any("'us-central1' is a gcp region" in p for p in probs)


def test_region_outside_declared_jurisdiction_rejected(tmp_path):
    data = base()
    find_cluster(data, "gcp-europe-west1")["jurisdiction"] = "us"
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith("clusters[4 gcp-europe-west1].region: 'europe-west1' lies in jurisdiction 'eu'")
        for p in probs
    )


def test_duplicate_cluster_names_rejected(tmp_path):
    data = base()
    find_cluster(data, "aws-us-west-2")["name"] = "aws-us-east-1"
    probs = problems_for(tmp_path, data)
    assert any(
        "is already used by clusters[0]" in p and p.startswith("clusters[1 aws-us-east-1].name")
        for p in probs
    )


def test_overlapping_cidrs_rejected(tmp_path):
    data = base()
    find_cluster(data, "aws-us-west-2")["network"]["cidr"] = "10.10.128.0/20"
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith("clusters[1 aws-us-west-2].network.cidr: 10.10.128.0/20 overlaps 10.10.0.0/16")
        for p in probs
    )


def test_min_above_max_rejected(tmp_path):
    data = base()
    find_cluster(data, "azure-eastus")["node_pools"] = {"workload": {"min_size": 9, "max_size": 3}}
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith("clusters[6 azure-eastus].node_pools.workload.min_size: min_size 9 is larger")
        for p in probs
    )


def test_mixed_kubernetes_minor_versions_rejected(tmp_path):
    data = base()
    find_cluster(data, "gcp-asia-east1")["kubernetes_version"] = "1.31"
    probs = problems_for(tmp_path, data)
    assert any(p.startswith("clusters[5 gcp-asia-east1].kubernetes_version: 1.31 differs") for p in probs)


def test_gpu_pool_needs_gpu_family(tmp_path):
    data = base()
    find_cluster(data, "aws-us-east-1")["node_pools"] = {"gpu": {"instance_type": "m5.2xlarge"}}
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith("clusters[0 aws-us-east-1].node_pools.gpu.instance_type: 'm5.2xlarge' is not a GPU")
        for p in probs
    )


def test_every_problem_reported_at_once(tmp_path):
    data = base()
    find_cluster(data, "aws-us-west-2")["network"]["cidr"] = "10.10.0.0/16"
    find_cluster(data, "gcp-asia-east1")["kubernetes_version"] = "1.31"
    find_cluster(data, "azure-eastus")["node_pools"] = {"gpu": {"min_size": 5, "max_size": 1}}
    probs = problems_for(tmp_path, data)
    assert len(probs) >= 3


def test_duplicate_vlan_and_asn_rejected(tmp_path):
    data = base()
    routers = data["interconnect"]["routers"]
    routers[0]["vxcs"][1]["vlan"] = routers[0]["vxcs"][0]["vlan"]
    routers[2]["asn"] = routers[3]["asn"] = routers[0]["asn"]  # eu routers take the us routers' ASN
    probs = problems_for(tmp_path, data)
    assert any("vxcs[1].vlan: VLAN 101 is already used" in p for p in probs)
    assert any(
        p.startswith("interconnect.routers[2 mcr-eu-red].asn: ASN 133937 is already used") for p in probs
    )


def test_reserved_cloud_asn_rejected(tmp_path):
    data = base()
    data["interconnect"]["routers"][0]["asn"] = 16550
    probs = problems_for(tmp_path, data)
    assert any("Google's Partner Interconnect ASN" in p for p in probs)


def test_megaport_needs_two_diverse_vxcs_per_cloud(tmp_path):
    data = base()
    data["interconnect"]["routers"][1]["vxcs"] = [
        v for v in data["interconnect"]["routers"][1]["vxcs"] if v["cloud"] != "gcp"
    ]  # mcr-us-blue loses its GCP VXCs
    probs = problems_for(tmp_path, data)
    assert any(
        "gcp cluster 'gcp-us-central1' has VXCs only on ['red'] routers" in p and "blue router" in p
        for p in probs
    )


def test_wrong_interconnect_kind_rejected(tmp_path):
    data = base("dev")
    data["interconnect"] = {"kind": "carrier-pigeon"}
    probs = problems_for(tmp_path, data, env="dev")
    assert any(p.startswith("interconnect:") and "kind" in p for p in probs)


def test_file_name_must_match_environment_name(tmp_path):
    data = copy.deepcopy(base("dev"))
    path = tmp_path / "qa.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ParameterError) as exc:
        load_environment(path)
    assert exc.value.problems[0].path == "name"


def test_public_endpoint_needs_a_reason(tmp_path):
    data = base()
    find_cluster(data, "aws-us-east-1")["security"] = {"public_endpoint": True}
    probs = problems_for(tmp_path, data)
    assert any(p.startswith("clusters[0 aws-us-east-1].security.public_endpoint_reason") for p in probs)


def test_unknown_environment_selection_named():
    from stacks.environments import ParameterErrors

    with pytest.raises(ParameterError) as exc:
        load_environments("prod,qa")
    assert "environments/qa.yaml" in exc.value.problems[0].message
    assert ParameterErrors  # imported for the CLI path below


def test_cli_validate_prints_file_key_and_fix_without_traceback(tmp_path):
    data = base()
    find_cluster(data, "aws-us-west-2")["network"]["cidr"] = "10.10.0.0/16"
    bad = tmp_path / "prod.yaml"
    bad.write_text(yaml.safe_dump(data))
    proc = subprocess.run(
        [sys.executable, "-m", "stacks", "validate", str(bad)], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"{bad}: clusters[1 aws-us-west-2].network.cidr: 10.10.0.0/16 overlaps" in proc.stderr
    assert "Pick a free range" in proc.stderr


def test_cli_validate_ok_exit_zero():
    proc = subprocess.run(
        [sys.executable, "-m", "stacks", "validate"], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(": ok (") == 3


def test_cli_synth_refuses_bad_file_and_writes_nothing(tmp_path):
    import shutil

    envdir = tmp_path / "repo"
    shutil.copytree(REPO / "stacks", envdir / "stacks")
    shutil.copytree(REPO / "policies", envdir / "policies")
    shutil.copytree(REPO / "constructs_lib", envdir / "constructs_lib")
    (envdir / "environments").mkdir()
    data = base("dev")
    data["clusters"][0]["region"] = "mars-north-1"
    (envdir / "environments" / "dev.yaml").write_text(yaml.safe_dump(data))
    proc = subprocess.run(
        [sys.executable, "-m", "stacks", "synth", "--out", "out"], cwd=envdir, capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "environments/dev.yaml: clusters[0 aws-us-east-1].region" in proc.stderr
    assert not (envdir / "out").exists()


def test_schema_json_is_current():
    proc = subprocess.run(
        [sys.executable, "-m", "stacks", "schema", "--check"], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr


def test_environment_files_reference_the_schema():
    for path in environment_files():
        assert path.read_text().startswith("# yaml-language-server: $schema=./schema.json"), path.name
