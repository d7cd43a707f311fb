"""AKS with API Server VNet Integration and a private KMS key vault (issue #16), read from the
session's one synthesized plan.

Expected values are literals from Microsoft's pages and the provider's source, never from the
code under test:
- learn.microsoft.com/azure/aks/api-server-vnet-integration ("bring-your-own VNet"): a subnet
  delegated to Microsoft.ContainerService/managedClusters, a /28 at least, used by nothing else;
  the cluster identity holds Network Contributor on the API server subnet and the node subnet;
  NSG rules: cluster subnet -> API server subnet TCP 443 and 4443, AzureLoadBalancer -> TCP 9988.
- learn.microsoft.com/azure/aks/use-kms-etcd-encryption ("Turn on KMS for a private key vault"):
  key vault network access "Private", Key Vault Crypto User for encrypt/decrypt and Key Vault
  Contributor on the vault for the private link AKS creates.
- "Azure Private Endpoint private DNS zone values": Key Vault's subresource `vault` ->
  privatelink.vaultcore.azure.net.
- azurerm v4.55.0 kubernetes_cluster_resource.go: `api_server_access_profile {
  virtual_network_integration_enabled, subnet_id }`, `key_management_service {
  key_vault_network_access }`.
The runner ranges come from the environment files read as plain YAML.
"""

from __future__ import annotations

import copy
import re
from ipaddress import IPv4Network
from pathlib import Path

import pytest
import yaml

from tests.conftest import resources

pytestmark = pytest.mark.synth

REPO = Path(__file__).resolve().parents[2]
RAW = {p.stem: yaml.safe_load(p.read_text()) for p in sorted((REPO / "environments").glob("*.yaml"))}
DELEGATION = "Microsoft.ContainerService/managedClusters"
VAULT_ZONE = "privatelink.vaultcore.azure.net"


def aks_stacks(synthesized) -> dict[str, dict]:
    found = {sid: s for sid, s in synthesized.items() if "-azure-" in sid and sid.endswith("-cluster")}
    assert len(found) == 5  # dev 1, staging 2, prod 2
    return found


def ref(value: str, rtype: str) -> str:
    m = re.fullmatch(rf"\$\{{{rtype}\.([A-Za-z0-9_-]+)\.[a-z_]+\}}", value)
    assert m, f"{value!r} does not reference a {rtype}"
    return m[1]


def the_cluster(stack: dict) -> dict:
    (cluster,) = resources(stack, "azurerm_kubernetes_cluster").values()
    return cluster


def api_server_subnet_problems(stack: dict) -> list[str]:
    """What keeps the cluster's API server from being VNet-integrated in its own delegated subnet."""
    cluster = the_cluster(stack)
    profile = cluster.get("api_server_access_profile") or {}
    if profile.get("virtual_network_integration_enabled") is not True:
        return ["virtual_network_integration_enabled is not true"]
    if "subnet_id" not in profile:
        return ["no API server subnet"]
    name = ref(profile["subnet_id"], "azurerm_subnet")
    subnet = resources(stack, "azurerm_subnet")[name]
    problems = []
    delegations = [d["service_delegation"]["name"] for d in subnet.get("delegation", [])]
    if delegations != [DELEGATION]:
        problems.append(f"delegated to {delegations}")
    (prefix,) = subnet["address_prefixes"]
    if IPv4Network(prefix).prefixlen > 28:
        problems.append(f"{prefix} is smaller than a /28")
    users = [
        f"{t}.{k}"
        for t in ("azurerm_kubernetes_cluster_node_pool", "azurerm_private_endpoint")
        for k, r in resources(stack, t).items()
        if r.get("vnet_subnet_id") == profile["subnet_id"] or r.get("subnet_id") == profile["subnet_id"]
    ]
    if cluster["default_node_pool"]["vnet_subnet_id"] == profile["subnet_id"]:
        users.append("default_node_pool")
    if users:
        problems.append(f"also used by {users}")
    return problems


def test_every_aks_api_server_is_vnet_integrated_in_its_own_delegated_subnet(synthesized):
    for sid, stack in aks_stacks(synthesized).items():
        assert api_server_subnet_problems(stack) == [], sid


def test_the_api_server_subnet_rule_fails_on_mutated_copies_of_the_real_plan(synthesized):
    stack = synthesized["prod-azure-eastus-cluster"]
    off = copy.deepcopy(stack)
    the_cluster(off)["api_server_access_profile"]["virtual_network_integration_enabled"] = False
    assert api_server_subnet_problems(off) == ["virtual_network_integration_enabled is not true"]
    shared = copy.deepcopy(stack)
    the_cluster(shared)["default_node_pool"]["vnet_subnet_id"] = "${azurerm_subnet.network_api_server.id}"
    for subnet in resources(shared, "azurerm_subnet").values():
        subnet.pop("delegation", None)
    assert api_server_subnet_problems(shared) == ["delegated to []", "also used by ['default_node_pool']"]


def test_api_server_subnet_nsg_admits_the_documented_flows(synthesized):
    for sid, stack in aks_stacks(synthesized).items():
        subnets = resources(stack, "azurerm_subnet")
        api = subnets["network_api_server"]["address_prefixes"][0]
        nodes = subnets["network_nodes"]["address_prefixes"][0]
        (assoc,) = [
            a
            for a in resources(stack, "azurerm_subnet_network_security_group_association").values()
            if a["subnet_id"] == "${azurerm_subnet.network_api_server.id}"
        ]
        nsg = ref(assoc["network_security_group_id"], "azurerm_network_security_group")
        rules = {
            (
                r["direction"],
                r["access"],
                r["protocol"],
                r["source_address_prefix"],
                r["destination_address_prefix"],
                tuple(sorted(r.get("destination_port_ranges") or [r.get("destination_port_range")])),
            )
            for r in resources(stack, "azurerm_network_security_rule").values()
            if r["network_security_group_name"] == f"${{azurerm_network_security_group.{nsg}.name}}"
        }
        assert rules == {
            ("Inbound", "Allow", "Tcp", nodes, api, ("443", "4443")),
            ("Inbound", "Allow", "Tcp", "AzureLoadBalancer", api, ("9988",)),
        }, sid


def test_control_plane_identity_holds_the_documented_roles_before_the_cluster_exists(synthesized):
    for sid, stack in aks_stacks(synthesized).items():
        cluster = the_cluster(stack)
        (identity_id,) = cluster["identity"]["identity_ids"]
        identity = ref(identity_id, "azurerm_user_assigned_identity")
        principal = f"${{azurerm_user_assigned_identity.{identity}.principal_id}}"
        held = {
            (a["role_definition_name"], a["scope"]): f"azurerm_role_assignment.{k}"
            for k, a in resources(stack, "azurerm_role_assignment").items()
            if a["principal_id"] == principal
        }
        etcd_key = ref(cluster["key_management_service"]["key_vault_key_id"], "azurerm_key_vault_key")
        vault = ref(resources(stack, "azurerm_key_vault_key")[etcd_key]["key_vault_id"], "azurerm_key_vault")
        documented = {
            ("Network Contributor", "${azurerm_subnet.network_nodes.id}"),
            ("Network Contributor", "${azurerm_subnet.network_api_server.id}"),
            ("Key Vault Crypto User", f"${{azurerm_key_vault_key.{etcd_key}.resource_versionless_id}}"),
            ("Key Vault Contributor", f"${{azurerm_key_vault.{vault}.id}}"),
        }
        # (the whole set, the ingress IP's grant included, is test_clusters.py's)
        assert set(held) >= documented, sid
        # The cluster is created with them in place (a missing API-subnet grant fails provisioning).
        assert {held[g] for g in documented} <= set(cluster["depends_on"]), sid


def test_kms_key_vault_is_private_with_a_private_endpoint_and_the_runner_only(synthesized):
    for sid, stack in aks_stacks(synthesized).items():
        env = sid.split("-", 1)[0]
        runner = RAW[env]["runner"]
        cluster = the_cluster(stack)
        kms = cluster["key_management_service"]
        assert kms["key_vault_network_access"] == "Private", sid
        key = resources(stack, "azurerm_key_vault_key")[ref(kms["key_vault_key_id"], "azurerm_key_vault_key")]
        vault_name = ref(key["key_vault_id"], "azurerm_key_vault")
        vault = resources(stack, "azurerm_key_vault")[vault_name]
        acls = vault["network_acls"]
        assert (acls["default_action"], acls["bypass"]) == ("Deny", "AzureServices"), sid
        assert acls.get("ip_rules", []) == runner.get("ip_ranges", []), sid
        assert acls.get("virtual_network_subnet_ids", []) == runner.get("azure_subnet_ids", []), sid
        # Public network access stays on only to admit the runner's listed public ranges.
        assert vault["public_network_access_enabled"] is bool(
            runner.get("ip_ranges") or runner.get("azure_subnet_ids")
        )
        zones = {
            f"${{azurerm_private_dns_zone.{k}.id}}": z["name"]
            for k, z in resources(stack, "azurerm_private_dns_zone").items()
        }
        endpoints = [
            pe
            for pe in resources(stack, "azurerm_private_endpoint").values()
            if pe["private_service_connection"]["private_connection_resource_id"]
            == f"${{azurerm_key_vault.{vault_name}.id}}"
        ]
        assert len(endpoints) == 1, sid
        (pe,) = endpoints
        assert pe["private_service_connection"]["subresource_names"] == ["vault"]
        assert pe["private_service_connection"]["is_manual_connection"] is False
        assert pe["subnet_id"] == "${azurerm_subnet.network_private_endpoints.id}", sid
        assert [zones[z] for z in pe["private_dns_zone_group"]["private_dns_zone_ids"]] == [VAULT_ZONE]
        # The keys are created through the data plane once the runner's private path exists too.
        for k in resources(stack, "azurerm_key_vault_key").values():
            assert any(d.startswith("azurerm_private_endpoint.") for d in k["depends_on"]), sid


def test_every_aks_vnet_subnet_is_distinct_across_the_cluster_and_access_stacks(synthesized):
    """The Bastion subnet (access stack) once took the block of the private-endpoint subnet
    (cluster stack): Azure refuses overlapping subnets in one VNet, so one apply would fail."""
    for sid, stack in aks_stacks(synthesized).items():
        (vnet,) = resources(stack, "azurerm_virtual_network").values()
        (space,) = vnet["address_space"]
        access = synthesized[sid.removesuffix("-cluster") + "-access"]
        nets = {
            f"{s}:{k}": IPv4Network(p)
            for s, st in ((sid, stack), ("access", access))
            for k, sub in resources(st, "azurerm_subnet").items()
            for p in sub["address_prefixes"]
        }
        assert len(nets) == 5, (sid, nets)  # nodes, private endpoints, API server, gateway, Bastion
        for name, net in nets.items():
            assert net.subnet_of(IPv4Network(space)), (sid, name)
        pairs = [(a, b) for i, a in enumerate(nets) for b in list(nets)[i + 1 :] if nets[a].overlaps(nets[b])]
        assert pairs == [], sid
