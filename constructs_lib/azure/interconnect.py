"""Azure end of ExpressRoute through a connectivity provider (Megaport): the circuit, its
private peering, an ExpressRoute virtual network gateway in the VNet's GatewaySubnet and the
connection between gateway and circuit.

Resources (azurerm 4.55): azurerm_express_route_circuit, azurerm_express_route_circuit_peering,
azurerm_public_ip, azurerm_virtual_network_gateway, azurerm_virtual_network_gateway_connection.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_azurerm.express_route_circuit import ExpressRouteCircuit as AzExpressRouteCircuit
from cdktf_cdktf_provider_azurerm.express_route_circuit import ExpressRouteCircuitSku
from cdktf_cdktf_provider_azurerm.express_route_circuit_peering import ExpressRouteCircuitPeering
from cdktf_cdktf_provider_azurerm.public_ip import PublicIp
from cdktf_cdktf_provider_azurerm.virtual_network_gateway import (
    VirtualNetworkGateway,
    VirtualNetworkGatewayIpConfiguration,
)
from cdktf_cdktf_provider_azurerm.virtual_network_gateway_connection import VirtualNetworkGatewayConnection
from constructs import Construct


class ExpressRouteCircuit(Construct):
    """An ExpressRoute circuit ordered from a connectivity provider.

    The provider provisions it once its cross connects use the circuit's `service_key`.

    Props:
      name: circuit name.
      resource_group_name, location: where the circuit resource lives (the cluster's group and region).
      peering_location: the ExpressRoute peering location the provider serves (`Washington DC`).
      bandwidth_in_mbps: circuit bandwidth.
      service_provider_name: the connectivity provider. Default `Megaport`.
      sku_tier: `Standard` (peering within the geopolitical region) or `Premium` (global reach).
        Default Standard.
      sku_family: `MeteredData` (default) or `UnlimitedData`.
      tags: resource tags.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        resource_group_name: str,
        location: str,
        peering_location: str,
        bandwidth_in_mbps: int,
        tags: dict[str, str],
        service_provider_name: str = "Megaport",
        sku_tier: str = "Standard",
        sku_family: str = "MeteredData",
    ) -> None:
        super().__init__(scope, id_)
        self.name = name
        self.resource_group_name = resource_group_name
        self.location = location
        self.circuit = AzExpressRouteCircuit(
            self,
            "circuit",
            name=name,
            resource_group_name=resource_group_name,
            location=location,
            service_provider_name=service_provider_name,
            peering_location=peering_location,
            bandwidth_in_mbps=bandwidth_in_mbps,
            sku=ExpressRouteCircuitSku(tier=sku_tier, family=sku_family),
            allow_classic_operations=False,
            tags=tags,
        )

    @property
    def service_key(self) -> str:
        """The circuit's service key (sensitive in the provider schema), as a reference."""
        return self.circuit.service_key

    @property
    def id(self) -> str:
        return self.circuit.id


class ExpressRouteVnetConnection(Construct):
    """Private peering on a circuit, plus an ExpressRoute gateway joining it to one VNet.

    In each peering /30 the customer router uses the first host and Microsoft the second.
    Azure accepts the peering only once the provider has provisioned the circuit, so pass the
    provider's cross connects as `provisioned_by`; the connection waits for the peering.

    Props:
      name: prefix of the peering's, gateway's, public IP's and connection's names.
      circuit: the ExpressRoute circuit.
      peer_asn: the customer-side BGP ASN (the cloud router of the provider, e.g. the MCR).
      vlan_id: the peering VLAN (the inner VLAN the customer router tags).
      primary_peer_address_prefix, secondary_peer_address_prefix: the two links' /30s.
      gateway_subnet_id: the VNet's `GatewaySubnet` (a reference to the cluster stack's subnet).
      gateway_sku: ExpressRoute gateway SKU. Default `ErGw3AZ` (zone-redundant, 10 Gbps: a
        gateway must carry its circuit; ErGw1AZ carries about 1 Gbps, ErGw2AZ 2 Gbps).
      zones: zones of the gateway's public IP. Default ("1", "2", "3"); pass () in a region
        without availability zones.
      provisioned_by: resources that provision the circuit (cross connects). Omitted: none,
        the peering is created right away (fails until the circuit is provisioned).
      tags: resource tags.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        circuit: ExpressRouteCircuit,
        peer_asn: int,
        vlan_id: int,
        primary_peer_address_prefix: str,
        secondary_peer_address_prefix: str,
        gateway_subnet_id: str,
        tags: dict[str, str],
        gateway_sku: str = "ErGw3AZ",
        zones: Sequence[str] = ("1", "2", "3"),
        provisioned_by: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id_)
        rg, location = circuit.resource_group_name, circuit.location
        self.peering = ExpressRouteCircuitPeering(
            self,
            "private_peering",
            peering_type="AzurePrivatePeering",
            express_route_circuit_name=circuit.circuit.name,
            resource_group_name=rg,
            peer_asn=peer_asn,
            vlan_id=vlan_id,
            primary_peer_address_prefix=primary_peer_address_prefix,
            secondary_peer_address_prefix=secondary_peer_address_prefix,
            ipv4_enabled=True,
            depends_on=list(provisioned_by) or None,
        )
        self.public_ip = PublicIp(
            self,
            "gateway_ip",
            name=f"{name}-ergw-ip",
            resource_group_name=rg,
            location=location,
            sku="Standard",
            allocation_method="Static",
            zones=list(zones) or None,
            tags=tags,
        )
        self.gateway = VirtualNetworkGateway(
            self,
            "gateway",
            name=f"{name}-ergw",
            resource_group_name=rg,
            location=location,
            type="ExpressRoute",
            sku=gateway_sku,
            ip_configuration=[
                VirtualNetworkGatewayIpConfiguration(
                    name="default",
                    public_ip_address_id=self.public_ip.id,
                    private_ip_address_allocation="Dynamic",
                    subnet_id=gateway_subnet_id,
                )
            ],
            tags=tags,
        )
        self.connection = VirtualNetworkGatewayConnection(
            self,
            "connection",
            name=f"{name}-er",
            resource_group_name=rg,
            location=location,
            type="ExpressRoute",
            virtual_network_gateway_id=self.gateway.id,
            express_route_circuit_id=circuit.id,
            depends_on=[self.peering],
            tags=tags,
        )
