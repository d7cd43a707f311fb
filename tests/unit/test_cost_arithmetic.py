"""The cost arithmetic on small synthetic plans, with a small price table written here.

Every expected figure is computed by hand in the comment next to it (price x count x 730 h), so
the test does not agree with the code by construction. The real plan and the real table are
checked in tests/cost/.
"""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from cost.estimate import Assumptions, estimate_stack
from cost.prices import PriceTableError, load_prices
from cost.report import cost_delta, render_delta_markdown
from review.plan import StackPlan, blocks_of
from stacks.params import CostAssumptions

SRC = "https://example.invalid/pricing"


def row(kind, cloud, region, sku, usd, per="hour", **extra):
    return dict(
        kind=kind,
        cloud=cloud,
        region=region,
        sku=sku,
        usd=usd,
        per=per,
        source=SRC,
        checked="2026-11-30",
        estimated=True,
        **extra,
    )


TABLE_ROWS = [
    row("control_plane", "aws", "*", "eks", 0.10),
    row("instance", "aws", "us-east-1", "m5.2xlarge", 0.384),
    row("instance", "aws", "us-east-1", "m5.2xlarge:spot", 0.12),
    row("nat_gateway", "aws", "*", "nat-gateway", 0.045),
    row("nat_gateway", "aws", "eu-west-1", "nat-gateway", 0.048),
    row("storage", "aws", "*", "STANDARD", 0.023, per="gb-month"),
    row("kms_key", "aws", "*", "customer-managed", 1.0, per="month"),
    row("instance", "gcp", "us-central1", "n2-standard-8", 0.388472),
    row("instance", "gcp", "us-central1", "n1-standard-8", 0.38),
    row("instance", "gcp", "us-central1", "gpu:nvidia-tesla-t4", 0.35),
    row("instance", "gcp", "us-central1", "a2-highgpu-1g", 3.673385),
    row("control_plane", "azure", "*", "Standard", 0.10),
    row("instance", "azure", "westeurope", "Standard_D4s_v5", 0.230),
    row("instance", "azure", "westeurope", "Standard_NC24ads_A100_v4", 4.04),
    row("interconnect", "megaport", "*", "vxc:10000", 1000, per="month"),
]


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "prices.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "as_of": "2026-11-30",
                "rows": TABLE_ROWS,
                "no_charge": {"aws_iam_role": "IAM is free"},
                "contract": {"cloudflare_regional_hostname": "DLS"},
            }
        )
    )
    return load_prices(path)


A = Assumptions(storage_gb={"training": 1500, "pii": 200, "access-logs": 10}, hours_per_month=730)


def plan(stack_id: str, resources: dict, provider: dict | None = None) -> StackPlan:
    doc = {"resource": resources}
    if provider:
        doc["provider"] = provider
    blocks, moved = blocks_of(doc)
    return StackPlan(stack_id, blocks, moved)


AWS = {"aws": [{"region": "us-east-1"}]}


def test_eks_pool_min_and_max_from_scaling_config_and_control_plane(table):
    p = plan(
        "prod-aws-us-east-1-cluster",
        {
            "aws_eks_cluster": {"c": {"name": "c"}},
            "aws_eks_node_group": {
                "w": {"instance_types": ["m5.2xlarge"], "scaling_config": {"min_size": 2, "max_size": 5}}
            },
        },
        AWS,
    )
    cost = estimate_stack(p, table, A)
    # control plane 0.10 x 730 = 73.00; nodes 2 x 0.384 x 730 = 560.64 .. 5 x 0.384 x 730 = 1401.60
    assert cost.monthly_min == pytest.approx(73.00 + 560.64)
    assert cost.monthly_max == pytest.approx(73.00 + 1401.60)
    assert cost.complete


def test_spot_pool_priced_from_spot_row(table):
    p = plan(
        "dev-aws-us-east-1-cluster",
        {
            "aws_eks_node_group": {
                "b": {
                    "instance_types": ["m5.2xlarge"],
                    "capacity_type": "SPOT",
                    "scaling_config": {"min_size": 0, "max_size": 10},
                }
            }
        },
        AWS,
    )
    cost = estimate_stack(p, table, A)
    assert cost.monthly_min == 0
    assert cost.monthly_max == pytest.approx(876.0)  # 10 x 0.12 x 730


def test_region_row_wins_over_wildcard(table):
    eu = plan("p-aws-eu-west-1-cluster", {"aws_nat_gateway": {"n": {}}}, {"aws": [{"region": "eu-west-1"}]})
    us = plan("p-aws-us-east-1-cluster", {"aws_nat_gateway": {"n": {}}}, AWS)
    assert estimate_stack(eu, table, A).monthly_min == pytest.approx(35.04)  # 0.048 x 730
    assert estimate_stack(us, table, A).monthly_min == pytest.approx(32.85)  # 0.045 x 730 ("*")


def test_gke_pools_total_counts_per_zone_counts_and_separate_gpus(table):
    p = plan(
        "prod-gcp-us-central1-cluster",
        {
            "google_container_node_pool": {
                # totals across zones: 1 .. 4 nodes
                "w": {
                    "location": "us-central1",
                    "node_config": {"machine_type": "n2-standard-8"},
                    "autoscaling": {"total_min_node_count": 1, "total_max_node_count": 4},
                },
                # per-zone limits x 2 zones: 2 .. 6 nodes, each with 2 T4 GPUs priced on their own
                "t4": {
                    "location": "us-central1",
                    "node_locations": ["us-central1-a", "us-central1-b"],
                    "node_config": {
                        "machine_type": "n1-standard-8",
                        "guest_accelerator": [{"type": "nvidia-tesla-t4", "count": 2}],
                    },
                    "autoscaling": {"min_node_count": 1, "max_node_count": 3},
                },
                # a2 machines include their A100: no separate GPU line
                "gpu": {
                    "location": "us-central1",
                    "node_config": {
                        "machine_type": "a2-highgpu-1g",
                        "guest_accelerator": [{"type": "nvidia-tesla-a100", "count": 1}],
                    },
                    "autoscaling": {"total_min_node_count": 0, "total_max_node_count": 2},
                },
            }
        },
    )
    cost = estimate_stack(p, table, A)
    assert cost.complete, [m.message() for m in cost.missing]
    # min: 1 x 0.388472 x 730 = 283.58456; 2 x 0.38 x 730 = 554.80; 4 GPUs x 0.35 x 730 = 1022.00; a2 0
    assert cost.monthly_min == pytest.approx(283.58456 + 554.80 + 1022.00)
    # max: 4 x 283.58456 = 1134.33824; 6 x 0.38 x 730 = 1664.40; 12 x 0.35 x 730 = 3066.00;
    #      2 x 3.673385 x 730 = 5363.1421
    assert cost.monthly_max == pytest.approx(1134.33824 + 1664.40 + 3066.00 + 5363.1421)
    assert len(cost.lines) == 4


def test_aks_default_pool_control_plane_and_node_pool_region_from_its_cluster(table):
    p = plan(
        "prod-azure-westeurope-cluster",
        {
            "azurerm_kubernetes_cluster": {
                "aks": {
                    "location": "westeurope",
                    "sku_tier": "Standard",
                    "default_node_pool": {"vm_size": "Standard_D4s_v5", "node_count": 3},
                }
            },
            "azurerm_kubernetes_cluster_node_pool": {
                "gpu": {
                    "kubernetes_cluster_id": "${azurerm_kubernetes_cluster.aks.id}",
                    "vm_size": "Standard_NC24ads_A100_v4",
                    "auto_scaling_enabled": True,
                    "min_count": 0,
                    "max_count": 2,
                }
            },
        },
    )
    cost = estimate_stack(p, table, A)
    assert cost.complete, [m.message() for m in cost.missing]
    # 0.10 x 730 = 73.00; 3 x 0.230 x 730 = 503.70; GPU 0 .. 2 x 4.04 x 730 = 5898.40
    assert cost.monthly_min == pytest.approx(73.00 + 503.70)
    assert cost.monthly_max == pytest.approx(73.00 + 503.70 + 5898.40)


def test_storage_from_classification_size_and_untagged_bucket_reported_not_zero(table):
    p = plan(
        "prod-aws-us-east-1-datalake",
        {
            "aws_s3_bucket": {
                "training": {"tags": {"data_classification": "training"}},
                "logs": {"tags": {"data_classification": "pii", "purpose": "access-logs"}},
                "untagged": {"tags": {}},
            },
            "aws_kms_key": {"k": {}},
        },
        AWS,
    )
    cost = estimate_stack(p, table, A)
    # 1500 GB x 0.023 = 34.50; access logs 10 GB x 0.023 = 0.23; key 1.00
    assert cost.monthly_min == pytest.approx(34.50 + 0.23 + 1.00)
    assert cost.monthly_max == cost.monthly_min
    assert [m.address for m in cost.missing] == ["aws_s3_bucket.untagged"]
    assert "cost.storage_gb" in cost.missing[0].message()
    assert not cost.complete


def test_missing_price_reported_with_the_row_to_add_and_left_out_of_total(table):
    p = plan(
        "prod-aws-us-east-1-cluster",
        {
            "aws_eks_node_group": {
                "g": {"instance_types": ["g5.48xlarge"], "scaling_config": {"min_size": 1, "max_size": 2}}
            }
        },
        AWS,
    )
    cost = estimate_stack(p, table, A)
    assert cost.lines == [] and cost.monthly_max == 0
    (missing,) = cost.missing
    msg = missing.message()
    assert "instance aws/us-east-1/g5.48xlarge" in msg and "aws_eks_node_group.g" in msg
    assert "add a row" in msg


def test_unknown_type_is_unclassified_free_and_contract_types_are_not(table):
    p = plan(
        "prod-global-edge",
        {
            "aws_iam_role": {"r": {}},
            "cloudflare_regional_hostname": {"h": {}},
            "aws_ecr_repository": {"images": {}},
        },
    )
    cost = estimate_stack(p, table, A)
    assert cost.unclassified == {"aws_ecr_repository": ["aws_ecr_repository.images"]}
    assert cost.contract == {"cloudflare_regional_hostname": ["cloudflare_regional_hostname.h"]}
    assert not cost.complete


def test_delta_per_environment_and_the_row_that_drives_it(table):
    def pool(max_size):
        return plan(
            "prod-aws-us-east-1-cluster",
            {
                "aws_eks_node_group": {
                    "w": {
                        "instance_types": ["m5.2xlarge"],
                        "scaling_config": {"min_size": 2, "max_size": max_size},
                    }
                }
            },
            AWS,
        )

    totals, drivers, issues = cost_delta(
        [("prod-aws-us-east-1-cluster", pool(5), pool(15))], table, lambda env: A
    )
    # before 2..5 x 0.384 x 730 = 560.64 .. 1401.60; after 560.64 .. 15 x 280.32 = 4204.80
    assert totals["prod"] == pytest.approx((560.64, 1401.60, 560.64, 4204.80))
    (d,) = drivers
    assert (d.address, d.delta_min) == ("aws_eks_node_group.w", 0)
    assert d.delta_max == pytest.approx(2803.20)
    assert (d.what_before, d.what_after) == ("2-5 x m5.2xlarge", "2-15 x m5.2xlarge")
    title, body = render_delta_markdown(totals, drivers, issues, table)
    assert title == "Cost: prod $0 / +$2,803 per month (min / max scale)"
    assert "| prod | $561 – $1,402 | $561 – $4,205 | $0 | +$2,803 |" in body


def test_added_stack_counts_from_zero(table):
    head = plan("dev-global-interconnect", {"megaport_vxc": {"v": {"rate_limit": 10000}}})
    totals, drivers, _ = cost_delta([("dev-global-interconnect", None, head)], table, lambda env: A)
    assert totals["dev"] == (0, 0, 1000, 1000)
    assert drivers[0].what_before == "(none)"


def test_price_row_without_source_is_refused_with_its_index(tmp_path):
    bad = dict(TABLE_ROWS[0])
    del bad["source"]
    path = tmp_path / "prices.yaml"
    path.write_text(yaml.safe_dump({"as_of": "2026-11-30", "rows": [TABLE_ROWS[1], bad]}))
    with pytest.raises(PriceTableError, match=r"rows\[1\] lacks source"):
        load_prices(path)


def test_unestimated_row_must_say_where_it_was_read(tmp_path):
    path = tmp_path / "prices.yaml"
    path.write_text(yaml.safe_dump({"as_of": "x", "rows": [dict(TABLE_ROWS[0], estimated=False)]}))
    with pytest.raises(PriceTableError, match="seen_in"):
        load_prices(path)


def test_cost_block_keeps_defaults_for_keys_left_out_and_refuses_negative_sizes():
    c = CostAssumptions(storage_gb={"pii": 5})
    assert c.storage_gb["pii"] == 5
    assert c.storage_gb["training"] == 20_000  # the default stays
    with pytest.raises(ValidationError):
        CostAssumptions(storage_gb={"pii": -1})
    with pytest.raises(ValidationError):
        CostAssumptions(storage_gb={"secret-sauce": 1})
