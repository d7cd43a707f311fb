"""megaport_mcr_prefix_filter_list in the provider's own shape (v1.13.1
internal/provider/mcr_prefix_filter_list_schema.go: mcr_id, description, address_family, entries
[{action, prefix, ge, le}]), and the refusals of the binding."""

from __future__ import annotations

import json

import pytest
from cdktf import TerraformStack
from cdktf import Testing as CdktfTesting

from constructs_lib.megaport import Mcr, McrPrefixFilterList, MegaportProvider, PrefixFilterEntry


def _stack(tmp_path) -> TerraformStack:
    app = CdktfTesting.app(outdir=str(tmp_path))
    stack = TerraformStack(app, "pfl")
    MegaportProvider(stack, "megaport", environment="production", accept_purchase_terms=True)
    return stack


def test_prefix_filter_list_synthesizes_the_providers_arguments(tmp_path):
    stack = _stack(tmp_path)
    mcr = Mcr(stack, "mcr", product_name="m", location_id=65, contract_term_months=1, port_speed=1000)
    McrPrefixFilterList(
        stack,
        "clusters",
        mcr=mcr,
        description="prod-us-clusters",
        entries=[
            PrefixFilterEntry(prefix="10.10.0.0/16"),
            PrefixFilterEntry(prefix="10.0.0.0/8", ge=16, le=24),
        ],
    )
    doc = json.loads(CdktfTesting.synth(stack))
    (lst,) = doc["resource"]["megaport_mcr_prefix_filter_list"].values()
    assert lst["mcr_id"].startswith("${megaport_mcr.") and lst["mcr_id"].endswith(".product_uid}")
    assert lst["description"] == "prod-us-clusters" and lst["address_family"] == "IPv4"
    assert lst["entries"] == [
        {"action": "permit", "prefix": "10.10.0.0/16"},
        {"action": "permit", "prefix": "10.0.0.0/8", "ge": 16, "le": 24},
    ]


def test_prefix_filter_list_refuses_no_entries_and_bad_prefixes(tmp_path):
    stack = _stack(tmp_path)
    mcr = Mcr(stack, "mcr", product_name="m", location_id=65, contract_term_months=1, port_speed=1000)
    with pytest.raises(ValueError, match="entries is empty"):
        McrPrefixFilterList(stack, "empty", mcr=mcr, description="x", entries=[])
    with pytest.raises(ValueError):
        PrefixFilterEntry(prefix="10.0.0.300/8")
