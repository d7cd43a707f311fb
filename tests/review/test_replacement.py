"""Replacement from the providers' ForceNew table (review/force_new.json), on the real plan."""

from __future__ import annotations

import json

from review.actions import stack_actions
from review.diff import AttrChange
from review.replacement import MAY_REPLACE, REPLACE, force_new_of, table, verdict
from tests.review.conftest import res

GKE = "prod-gcp-europe-west1-cluster"
EKS = "prod-aws-us-east-1-cluster"
EDGE = "prod-global-edge"
IC = "prod-global-interconnect"


def test_every_resource_type_in_the_synthesized_plan_is_in_the_force_new_table(real_docs):
    emitted = {t for doc in real_docs.values() for t in doc.get("resource", {})}
    missing = sorted(emitted - set(table()))
    assert not missing, (
        f"{missing} missing from review/force_new.json: run review/tools/extract_force_new.py for them "
        "(or add a hand entry naming its source)"
    )


def test_every_table_entry_names_its_source_or_says_it_is_unverified():
    for rtype, entry in table().items():
        assert entry.get("source") or (
            entry.get("force_new") is None and "not verified" in entry.get("note", "")
        ), rtype


def test_table_agrees_with_the_provider_documentation_on_known_arguments():
    # Literals from the provider docs pages ("Changing this forces a new resource to be created" /
    # "forces replacement"): azurerm 4.x storage_account, google 6.x compute_network and
    # container_node_pool, megaport 1.13 mcr, vault 5.x policy.
    assert {"name", "location", "resource_group_name", "account_tier"} <= set(
        force_new_of("azurerm_storage_account")
    )
    assert {"name", "auto_create_subnetworks"} <= set(force_new_of("google_compute_network"))
    assert "node_config.guest_accelerator" in force_new_of("google_container_node_pool")
    assert {"location_id", "port_speed"} <= set(force_new_of("megaport_mcr"))
    assert force_new_of("vault_policy") == ("name",)
    # in place on the providers: a node pool's autoscaling, a pool's origins, a VXC's rate limit
    assert not any(p.startswith("autoscaling") for p in force_new_of("google_container_node_pool"))
    assert "origins" not in force_new_of("cloudflare_load_balancer_pool")
    assert "rate_limit" not in force_new_of("megaport_vxc")


def test_replaced_network_lists_knock_on_replacements_with_the_cause(head_docs, review_of):
    res(head_docs, GKE, "google_compute_network", "network_vpc")["name"] = "prod-gcp-europe-west1-vpc-2"

    review = review_of(head_docs)
    actions = stack_actions(review.stack(GKE))

    assert actions["google_compute_network.network_vpc"].action == REPLACE
    subnet = actions["google_compute_subnetwork.network_nodes"]
    assert subnet.action == REPLACE and "google_compute_network.network_vpc" in subnet.cause
    cluster = actions["google_container_cluster.gke_cluster"]
    assert cluster.action == REPLACE and "network" in cluster.cause
    pool = actions["google_container_node_pool.gke_gpu_pool"]  # cluster is ForceNew on the pool
    assert pool.action == REPLACE and "google_container_cluster.gke_cluster" in pool.cause
    knock_on = [i for i in review.of("replaced") if "knock-on" in i.reason]
    assert any(i.address == "google_container_cluster.gke_cluster" for i in knock_on)
    assert any("Terraform destroys the cluster" in i.reason for i in knock_on)


def test_in_place_change_is_an_update_not_a_replacement(head_docs, review_of):
    res(head_docs, EDGE, "cloudflare_load_balancer_pool", "pool_aws_us_east_1_pool")["minimum_origins"] = 2
    vxc = res(head_docs, IC, "megaport_vxc", "vxc_azure_westeurope_red_vxc")
    vxc["rate_limit"] = vxc["rate_limit"] // 2

    review = review_of(head_docs)

    assert (
        stack_actions(review.stack(EDGE))["cloudflare_load_balancer_pool.pool_aws_us_east_1_pool"].action
        == "update"
    )
    assert stack_actions(review.stack(IC))["megaport_vxc.vxc_azure_westeurope_red_vxc"].action == "update"
    assert review.of("replaced") == []


def test_unverified_type_and_unknown_type_may_be_replaced(head_docs, review_of):
    # aws_launch_template is not verified in the table (aws could not be mirrored here).
    template = res(head_docs, EKS, "aws_launch_template")
    template["instance_type"] = "m7i.large"

    review = review_of(head_docs)
    actions = stack_actions(review.stack(EKS))

    name = next(iter(head_docs[EKS]["resource"]["aws_launch_template"]))
    assert actions[f"aws_launch_template.{name}"].action == MAY_REPLACE
    assert any(i.rule_name == "aws_launch_template may be replaced" for i in review.of("replaced"))
    unknown = verdict("aws_made_up_thing", (AttrChange(("size",), 1, 2),))
    assert unknown.action == MAY_REPLACE and "not in the verified ForceNew table" in unknown.reasons[0]


def test_table_file_is_valid_json_with_sorted_types():
    from review.replacement import TABLE_FILE

    doc = json.loads(TABLE_FILE.read_text())
    assert list(doc["types"]) == sorted(doc["types"])
