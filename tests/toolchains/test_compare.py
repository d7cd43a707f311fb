"""toolchains/compare.py on mutated copies of a REAL synthesized stack (the session synth).

The normalization must hide exactly what differs by toolchain alone (`//` metadata, provider
version pins) and nothing else: each test mutates one thing in a copy of the real cdk.tf.json
and checks the report sees it (or, for the toolchain-only changes, does not).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from toolchains.compare import compare, main, normalize, summarize

pytestmark = pytest.mark.synth

STACK = "dev-aws-us-east-1-cluster"


@pytest.fixture
def real(synthesized) -> dict:
    return copy.deepcopy(synthesized[STACK])


def _write(root: Path, plans: dict[str, dict]) -> Path:
    for stack, plan in plans.items():
        (root / "stacks" / stack).mkdir(parents=True)
        (root / "stacks" / stack / "cdk.tf.json").write_text(json.dumps(plan))
    return root


def _compare(tmp_path: Path, old: dict, new: dict):
    a = _write(tmp_path / "a", {STACK: old})
    b = _write(tmp_path / "b", {STACK: new})
    return compare(a, b)[0]


def test_toolchain_only_differences_normalize_away(tmp_path, real):
    new = copy.deepcopy(real)
    new["//"]["metadata"]["version"] = "0.24.0"  # the tool version
    new["terraform"]["required_providers"]["aws"]["version"] = "6.69.1"  # the provider pin
    cluster = next(iter(new["resource"]["aws_eks_cluster"].values()))
    cluster["//"] = {"metadata": {"path": "elsewhere/cluster", "uniqueId": "x"}}  # construct metadata
    assert normalize(real) == normalize(new)
    assert _compare(tmp_path, real, new).identical


def test_a_changed_argument_is_reported_with_its_path(tmp_path, real):
    new = copy.deepcopy(real)
    name, cluster = next(iter(new["resource"]["aws_eks_cluster"].items()))
    cluster["version"] = "9.99"
    d = _compare(tmp_path, real, new)
    assert [b.address for b in d.blocks] == [f"resource.aws_eks_cluster.{name}"]
    [arg] = d.blocks[0].args
    assert (arg.path, arg.kind, arg.new) == ("version", "changed", "9.99")


def test_a_nested_argument_added_and_one_removed(tmp_path, real):
    new = copy.deepcopy(real)
    cluster = next(iter(new["resource"]["aws_eks_cluster"].values()))
    del cluster["vpc_config"]["endpoint_public_access"]
    cluster["vpc_config"]["brand_new"] = True
    args = {(a.path, a.kind) for a in _compare(tmp_path, real, new).blocks[0].args}
    assert args == {("vpc_config.endpoint_public_access", "removed"), ("vpc_config.brand_new", "added")}


def test_a_resource_missing_on_one_side_is_reported_as_only_in(tmp_path, real):
    new = copy.deepcopy(real)
    name = next(iter(new["resource"]["aws_eks_cluster"]))
    del new["resource"]["aws_eks_cluster"][name]
    d = _compare(tmp_path, real, new)
    assert [(b.address, b.only_in) for b in d.blocks] == [(f"resource.aws_eks_cluster.{name}", "cdktf")]
    assert d.resources_new == d.resources_old - 1


def test_a_bare_provider_source_equals_its_hashicorp_namespace(tmp_path, real):
    # cdktf's aws binding writes "aws", cdktn's "hashicorp/aws": Terraform reads both as
    # registry.terraform.io/hashicorp/aws (hashicorp/terraform internal/addrs/provider.go).
    assert real["terraform"]["required_providers"]["aws"]["source"] == "aws"
    new = copy.deepcopy(real)
    new["terraform"]["required_providers"]["aws"]["source"] = "hashicorp/aws"
    assert _compare(tmp_path, real, new).identical


def test_another_provider_source_is_reported(tmp_path, real):
    new = copy.deepcopy(real)
    new["terraform"]["required_providers"]["aws"]["source"] = "example/aws"
    d = _compare(tmp_path, real, new)
    assert [a.path for b in d.blocks for a in b.args] == ["required_providers.aws.source"]


def test_a_stack_missing_on_one_side_and_the_markdown_report(tmp_path, real):
    a = _write(tmp_path / "a", {STACK: real, "dev-gone": real})
    new = copy.deepcopy(real)
    next(iter(new["resource"]["aws_eks_cluster"].values()))["version"] = "9.99"
    b = _write(tmp_path / "b", {STACK: new})
    (b / "toolchain.json").write_text(
        json.dumps(
            {
                "toolchain": "cdktn",
                "packages": {"cdktn": "0.24.0"},
                "dropped_arguments": [
                    {
                        "module": "cdktn_provider_azurerm.subnet",
                        "class": "Subnet",
                        "argument": "service_endpoints",
                        "kind": "dropped",
                        "count": 2,
                        "paths": ["dev-azure-eastus-cluster/network/nodes"],
                    }
                ],
            }
        )
    )
    s = summarize(compare(a, b))
    assert (s.stacks, s.only_old, s.with_differences, s.arguments["changed"]) == (2, 1, 1, 1)
    report = tmp_path / "report.md"
    assert main([str(a), str(b), "--output", str(report)]) == 0
    text = report.read_text()
    assert "| dev-gone | " in text and "only in cdktf" in text
    assert '`version` changed: `"' in text and '"9.99"`' in text
    assert "| `azurerm_subnet` | `Subnet` | `service_endpoints` | dropped | 2 |" in text
    assert "| aws | 6.25.0 | — |" not in text  # both sides pin aws here


def test_a_folder_without_stacks_is_a_clear_error(tmp_path, capsys):
    assert main([str(tmp_path / "nope"), str(tmp_path / "nope2")]) == 2
    assert "synthesize first" in capsys.readouterr().err
