"""Clusters reach their region's data privately (issue #13), read from the synthesized plan.

Expected names are Azure's and AWS's documented fixed values (Private Link DNS zones per
subresource, "Azure Private Endpoint private DNS zone values"; the S3 gateway service name
`com.amazonaws.<region>.s3`), written here as literals.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import resources

pytestmark = pytest.mark.synth

ZONES = {
    "blob": "privatelink.blob.core.windows.net",
    "dfs": "privatelink.dfs.core.windows.net",
    "vault": "privatelink.vaultcore.azure.net",
    "registry": "privatelink.azurecr.io",
}


def _stacks(synthesized, suffix: str, cloud: str):
    return {sid: s for sid, s in synthesized.items() if sid.endswith(suffix) and f"-{cloud}-" in sid}


def test_every_eks_vpc_routes_s3_through_a_gateway_endpoint(synthesized):
    stacks = _stacks(synthesized, "-cluster", "aws")
    assert len(stacks) == 7  # dev 1, staging 3, prod 3
    for sid, stack in stacks.items():
        region = re.match(r"^\w+-aws-(.+)-cluster$", sid)[1]
        (endpoint,) = resources(stack, "aws_vpc_endpoint").values()
        assert endpoint["vpc_endpoint_type"] == "Gateway"
        assert endpoint["service_name"] == f"com.amazonaws.{region}.s3"
        private = {
            f"${{aws_route_table.{k}.id}}" for k in resources(stack, "aws_route_table") if "private" in k
        }
        assert len(private) == 3 and set(endpoint["route_table_ids"]) == private, sid


def test_every_gke_subnet_has_private_google_access(synthesized):
    stacks = _stacks(synthesized, "-cluster", "gcp")
    assert stacks
    for sid, stack in stacks.items():
        for subnet in resources(stack, "google_compute_subnetwork").values():
            assert subnet["private_ip_google_access"] is True, sid


def test_every_aks_vnet_links_the_private_link_zones(synthesized):
    for sid, stack in _stacks(synthesized, "-cluster", "azure").items():
        zones = {k: z["name"] for k, z in resources(stack, "azurerm_private_dns_zone").items()}
        assert set(zones.values()) == set(ZONES.values()), sid
        links = resources(stack, "azurerm_private_dns_zone_virtual_network_link").values()
        assert {link["private_dns_zone_name"].split(".")[1] for link in links} == set(zones), sid
        assert all(link["registration_enabled"] is False for link in links)
        assert all(
            link["virtual_network_id"] == "${azurerm_virtual_network.network_vnet.id}" for link in links
        )


def test_every_azure_data_account_and_lake_vault_has_private_endpoints_in_its_regions_aks_vnet(synthesized):
    lakes = _stacks(synthesized, "-datalake", "azure")
    assert len(lakes) == 5
    for sid, stack in lakes.items():
        cluster_stack = sid.removesuffix("-datalake") + "-cluster"
        remote = f"cross-stack-reference-input-{cluster_stack}.outputs."
        accounts = {
            k: a
            for k, a in resources(stack, "azurerm_storage_account").items()
            if "logs" not in k and "replica" not in k
        }
        assert accounts, sid
        reached = set()
        for pe in resources(stack, "azurerm_private_endpoint").values():
            conn = pe["private_service_connection"]
            (sub,) = conn["subresource_names"]
            target = re.match(
                r"^\$\{(azurerm_[a-z_]+)\.([a-z0-9_]+)\.id\}$", conn["private_connection_resource_id"]
            )
            reached.add((target[1], target[2], sub))
            assert remote in pe["subnet_id"] and "private_endpoints" in pe["subnet_id"], pe["subnet_id"]
            (zone,) = pe["private_dns_zone_group"]["private_dns_zone_ids"]
            assert remote in zone and f"private_link_dns_{sub}_zone" in zone, zone
        expected = {("azurerm_storage_account", k, sub) for k in accounts for sub in ("blob", "dfs")}
        expected.add(("azurerm_key_vault", "data_lake_key_vault", "vault"))
        assert reached == expected, sid
        for k, a in accounts.items():
            assert a["public_network_access_enabled"] is False, (sid, k)
