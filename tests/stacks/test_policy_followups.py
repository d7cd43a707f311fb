"""Issue 16 (GCP/AWS part): work that retired policy exceptions, asserted on the synthesized plan.

Expected values are literals from the providers' docs and source (cited in the constructs) or
raw values of the environment files, never recomputed by the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import resources

ROOT = Path(__file__).resolve().parents[2]
ENVS = ("dev", "staging", "prod")


def raw_env(name: str) -> dict:
    return yaml.safe_load((ROOT / "environments" / f"{name}.yaml").read_text(encoding="utf-8"))


def gke_clusters(synthesized):
    for stack_id, stack in synthesized.items():
        if stack_id.endswith("-cluster") and "-gcp-" in stack_id:
            yield stack_id, resources(stack, "google_container_cluster")["gke_cluster"]


# ---- GKE: Google Groups for RBAC (CKV_GCP_65) -----------------------------------------------


def test_every_gke_cluster_uses_the_environments_google_groups_for_rbac(synthesized):
    seen = 0
    for stack_id, cluster in gke_clusters(synthesized):
        env = stack_id.split("-")[0]
        expected = raw_env(env)["sso"]["gke_security_group"]
        assert expected.startswith("gke-security-groups@")  # the only name GKE accepts
        assert cluster["authenticator_groups_config"] == {"security_group": expected}, stack_id
        seen += 1
    assert seen == 7  # dev 1 + staging 3 + prod 3 GKE clusters (environments/*.yaml)


# ---- GKE: metadata server on the removed default pool (CKV_GCP_69) --------------------------


def test_gke_default_pool_config_is_creation_only_so_it_never_diffs_or_replaces(synthesized):
    """node_config is read back from the first node pool once the default pool is gone (GKE API
    Cluster.nodeConfig); without ignore_changes the pools' taints/labels/spot would diff forever
    (spot is ForceNew: replacement). See constructs_lib/gcp/gke.py."""
    for stack_id, cluster in gke_clusters(synthesized):
        assert cluster["remove_default_node_pool"] is True, stack_id
        assert cluster["node_config"] == {"workload_metadata_config": {"mode": "GKE_METADATA"}}, stack_id
        assert "node_config" in cluster["lifecycle"]["ignore_changes"], stack_id


@pytest.mark.parametrize("env", ENVS)
def test_every_gke_node_pool_still_sets_the_metadata_server_itself(synthesized, env):
    pools = [
        (sid, name, pool)
        for sid, s in synthesized.items()
        if sid.startswith(f"{env}-gcp-")
        for name, pool in resources(s, "google_container_node_pool").items()
    ]
    assert pools
    for sid, name, pool in pools:
        assert pool["node_config"]["workload_metadata_config"] == {"mode": "GKE_METADATA"}, (sid, name)
