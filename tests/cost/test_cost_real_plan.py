"""The cost view on the REAL synthesized plan (tests/conftest.py `synth_dir`, once per session).

- every machine type a node pool uses has a price row for its region, read straight from the plan
  (not through the estimator's rules), so a new pool type or region is caught here;
- every resource type in the plan is priced, or listed as no_charge / contract in
  cost/prices.yaml: a missing price is reported with the row to add, never counted as zero;
- `python -m cost --strict` runs offline on the plan and prints each environment;
- the review's cost section shows the delta of a mutated copy of the real plan.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest

from cost.assumptions import assumptions_by_env
from cost.estimate import RULES, estimate
from cost.prices import load_prices
from cost.report import problems
from cost.review_section import cost_sections
from review.diff import diff_plans
from review.plan import StackPlan, blocks_of, load_output_dir

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def table():
    return load_prices()


@pytest.fixture(scope="module")
def plans(synth_dir) -> dict[str, StackPlan]:
    return load_output_dir(synth_dir)


def _region_of(stack_id: str) -> str:
    # The stack id contract: <env>-<cloud>-<region>-<component>
    return stack_id.split("-", 2)[2].rsplit("-", 1)[0]


def test_every_node_machine_type_in_the_plan_has_a_price_for_its_region(synthesized, table):
    used: set[tuple[str, str, str]] = set()
    for stack_id, doc in synthesized.items():
        res = doc.get("resource", {})
        region = _region_of(stack_id)
        for ng in res.get("aws_eks_node_group", {}).values():
            suffix = ":spot" if ng.get("capacity_type") == "SPOT" else ""
            used |= {("aws", region, t + suffix) for t in ng["instance_types"]}
        for np in res.get("google_container_node_pool", {}).values():
            nc = np["node_config"]
            used.add(("gcp", region, nc["machine_type"] + (":spot" if nc.get("spot") else "")))
        for aks in res.get("azurerm_kubernetes_cluster", {}).values():
            used.add(("azure", region, aks["default_node_pool"]["vm_size"]))
        for np in res.get("azurerm_kubernetes_cluster_node_pool", {}).values():
            used.add(("azure", region, np["vm_size"] + (":spot" if np.get("priority") == "Spot" else "")))
    assert len(used) >= 20, "the plan should use 3 clouds x 2-3 regions x 3 machine types"
    missing = sorted(u for u in used if table.lookup("instance", *u) is None)
    assert not missing, "add rows (kind: instance) to cost/prices.yaml for: " + ", ".join(
        f"{c}/{r}/{s}" for c, r, s in missing
    )


def test_every_resource_type_in_the_plan_is_priced_or_classified(plans, table):
    types = {b.type for p in plans.values() for b in p.resources.values()}
    unclassified = sorted(
        t for t in types if t not in RULES and t not in table.no_charge and t not in table.contract
    )
    assert not unclassified, (
        "resource types neither priced (cost/estimate.py RULES) nor listed under no_charge/contract "
        f"in cost/prices.yaml: {unclassified}"
    )


def test_every_priced_item_in_the_plan_has_a_price(plans, table):
    by_env, _ = assumptions_by_env(sorted({p.env for p in plans.values()}))
    costs = estimate(plans.values(), table, lambda env: by_env[env])
    issues = problems(costs, table)
    assert not issues, "missing prices:\n" + "\n".join(issues)
    # and the estimate is not trivially empty: every cluster stack has node lines
    for stack_id, cost in costs.items():
        if stack_id.endswith("-cluster"):
            assert any(line.row.kind == "instance" for line in cost.lines), stack_id
            assert cost.monthly_max > cost.monthly_min, f"{stack_id}: pools scale, so max > min"


def test_no_charge_list_names_no_priced_type(table):
    assert not set(table.no_charge) & set(RULES), "a type is either priced or no_charge, not both"


def test_make_cost_runs_offline_on_the_plan(synth_dir):
    proc = subprocess.run(
        [sys.executable, "-m", "cost", "--out", str(synth_dir), "--strict"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for env in ("prod", "staging", "dev"):
        assert f"== {env}: $" in proc.stdout
    assert "prod-global-interconnect" in proc.stdout
    assert "Assumptions:" in proc.stdout and "MISSING" not in proc.stdout


def _mutated(plans: dict[str, StackPlan], synthesized, stack_id: str, change) -> dict[str, StackPlan]:
    doc = copy.deepcopy(synthesized[stack_id])
    change(doc["resource"])
    blocks, moved = blocks_of(doc)
    return {**plans, stack_id: StackPlan(stack_id, blocks, moved)}


def test_review_section_shows_the_delta_of_a_bigger_gpu_pool(plans, synthesized, table):
    sid = "prod-aws-us-east-1-cluster"

    def bigger(res):
        res["aws_eks_node_group"]["eks_gpu_pool"]["scaling_config"]["max_size"] = 12  # was 10

    head = _mutated(plans, synthesized, sid, bigger)
    (section,) = cost_sections(diff_plans(plans, head))
    g5 = table.lookup("instance", "aws", "us-east-1", "g5.12xlarge")
    expected = 2 * g5.usd * 730  # two more nodes at the table's hourly price
    shown = f"+${expected:,.0f}"
    assert section.title == f"Cost: prod $0 / {shown} per month (min / max scale)"
    assert f"| $0 | {shown} |" in section.body
    assert "`aws_eks_node_group.eks_gpu_pool` | 0-10 x g5.12xlarge | 0-12 x g5.12xlarge" in section.body


def test_review_section_reports_an_unpriced_machine_type(plans, synthesized):
    sid = "prod-aws-us-east-1-cluster"

    def retype(res):
        res["aws_eks_node_group"]["eks_gpu_pool"]["instance_types"] = ["p5.48xlarge"]

    head = _mutated(plans, synthesized, sid, retype)
    (section,) = cost_sections(diff_plans(plans, head))
    assert "incomplete: 1 item(s) not priced" in section.title
    assert "no price for instance aws/us-east-1/p5.48xlarge" in section.body
    assert "(not priced: see below)" in section.body


def test_unchanged_plan_has_no_cost_change(plans):
    (section,) = cost_sections(diff_plans(plans, plans))
    assert section.title == "Cost: no change per month"
