"""`<env>-global-interconnect`: the private, routed network between the clusters' networks.

The environment's `interconnect` decides the kind; stacks/interconnect_plan.py computes every
address and the topology, so this module only turns the plan into constructs. Cluster
networks come from the cluster stacks' ClusterHandles (`ctx.clusters`): VPC, route tables,
GCP network, Azure resource group and GatewaySubnet are cross-stack references.

prod - Megaport (`kind: megaport`), a loop over interconnect_plan.megaport_plan(): per
jurisdiction a red and a blue Megaport Cloud Router (MCR), each with a prefix filter list of the
jurisdiction's declared cluster ranges; the pattern constructs of
constructs_lib/megaport/cloud_vxcs.py build each VXC with its cloud side:
  AWS    one Direct Connect gateway per jurisdiction (a VPN gateway joins only one), associated
         through a virtual private gateway per VPC with every AWS cluster of the jurisdiction;
         each AWS VXC (HostedVifVxc) orders a hosted private VIF (<= 5 Gbps) from the partner
         port found at its on-ramp, which the AWS side accepts onto the gateway. Megaport sets
         up the MCR's BGP session for a hosted VIF from aws_config.
  GCP    per cluster a Cloud Router with ASN 16550 and one PARTNER attachment per VXC (red ->
         AVAILABILITY_DOMAIN_1, blue -> _2, two metros); GooglePartnerVxc pairs with it by key.
  Azure  per cluster an ExpressRoute circuit (provider Megaport): the red router's VXC on the
         primary port, the blue router's on the secondary (ExpressRouteVxc), each with a
         vrouter BGP session to Microsoft (12076) filtered by the MCR's prefix list; an
         ExpressRoute gateway (ErGw3AZ) connects the circuit once the private peering exists.
dev/staging - IPsec VPN (`kind: vpn`): links and tunnel addresses from vpn_links(); per
  cluster one gateway (AWS VGW, GCP HA VPN + Cloud Router, Azure VPN gateway), per link two
  tunnels with BGP, each with its own generated pre-shared key (random_password; the JSON
  holds only `${random_password...result}` references).

Routes: GCP Cloud Routers advertise only the cluster's declared ranges (custom mode), the
Direct Connect association allows only the VPC's range, AWS VGWs and Azure gateways
advertise their own VPC/VNet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from constructs import Construct

from stacks.base import PlatformStack
from stacks.context import BuildContext, ClusterHandle
from stacks.cross_cloud import add_cross_cloud_rules
from stacks.interconnect_plan import (
    AZURE_PORT,
    GCP_EDGE_DOMAIN,
    MICROSOFT_ASN,
    PARTNER_LOOKUP,
    JurisdictionPlan,
    RouterPlan,
    VpnLink,
    VxcLink,
    declared_ranges,
    logical,
    megaport_plan,
    side_of,
    vpn_links,
)
from stacks.logical_ids import PathLogicalIds
from stacks.params import Cluster, Environment, Megaport, Vpn

if TYPE_CHECKING:  # imported lazily at build time (stacks/lazy_providers.py)
    from constructs_lib.aws.interconnect import VpcGateway
    from constructs_lib.azure.vpn import AzureVpnGateway
    from constructs_lib.gcp.vpn import HaVpn
    from constructs_lib.megaport import Mcr, McrPrefixFilterList

COMPONENT = "interconnect"


class VxcCommonProps(TypedDict):
    """The props every cloud's VXC construct takes alike (InterconnectStack._vxc_common)."""

    product_name: str
    rate_limit_mbps: int
    contract_term_months: int
    vlan: int
    resource_tags: dict[str, str]


@dataclass(frozen=True)
class RouterHandle:
    """An MCR and the prefix filter list its BGP sessions and VXCs use."""

    mcr: Mcr
    prefix_filter: McrPrefixFilterList


def build(app: Construct, ctx: BuildContext) -> None:
    """Add the environment's interconnect stack (after the cluster stacks registered their handles)."""
    InterconnectStack(app, ctx=ctx)


class InterconnectStack(PathLogicalIds, PlatformStack):
    def __init__(self, scope: Construct, *, ctx: BuildContext) -> None:
        env = ctx.env
        super().__init__(scope, env=env, component=COMPONENT)
        self.ctx = ctx
        self._providers(env)
        if env.interconnect.kind == "megaport":
            self._megaport(env, env.interconnect)
        else:
            self._vpn(env, env.interconnect)
        # Firewalls admit the other clouds' ranges exactly where the routes above carry them.
        add_cross_cloud_rules(self, env, ctx.clusters)

    # ---- shared ---------------------------------------------------------------------------

    def handle(self, cluster: str) -> ClusterHandle:
        try:
            return self.ctx.clusters[cluster]
        except KeyError:
            raise RuntimeError(
                f"interconnect of {self.env.name}: no ClusterHandle for '{cluster}'. The cluster component "
                "must run before the interconnect (stacks/app.py COMPONENTS) and register every cluster."
            ) from None

    def cluster_tags(self, cluster: Cluster) -> dict[str, str]:
        return self.tags(jurisdiction=cluster.jurisdiction, cluster=cluster.name)

    def _providers(self, env: Environment) -> None:
        """One provider per cloud with clusters; regional resources name their own region."""
        if env.clusters_of("aws"):
            from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags

            AwsProvider(
                self,
                "aws",
                region=env.clusters_of("aws")[0].region,  # the global Direct Connect gateway's API region
                allowed_account_ids=[env.accounts.aws.account_id],
                default_tags=[AwsProviderDefaultTags(tags=self.tags())],
            )
        if env.clusters_of("gcp"):
            from cdktf_cdktf_provider_google.provider import GoogleProvider

            GoogleProvider(self, "google", project=env.accounts.gcp.project_id, default_labels=self.tags())
        if env.clusters_of("azure"):
            from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures

            AzurermProvider(
                self,
                "azurerm",
                features=[AzurermProviderFeatures()],
                subscription_id=env.accounts.azure.subscription_id,
                tenant_id=env.accounts.azure.tenant_id,
            )

    # ---- prod: Megaport ---------------------------------------------------------------------

    def _megaport(self, env: Environment, mp: Megaport) -> None:
        """A loop over the typed plan: per jurisdiction its routers, then each cloud's attachments."""
        from constructs_lib.megaport import MegaportProvider

        MegaportProvider(
            self,
            "megaport",
            environment=mp.environment,
            accept_purchase_terms=True,
            wait_time=mp.wait_time_minutes,
        )
        for jurisdiction in megaport_plan(env.clusters, mp):
            routers = {r.router.name: self._router(env, mp, jurisdiction, r) for r in jurisdiction.routers}
            self._megaport_aws(env, mp, jurisdiction, routers)
            self._megaport_gcp(env, mp, jurisdiction, routers)
            self._megaport_azure(env, mp, jurisdiction, routers)

    def _router(
        self, env: Environment, mp: Megaport, jurisdiction: JurisdictionPlan, plan: RouterPlan
    ) -> RouterHandle:
        """The MCR and its prefix filter list: the jurisdiction's declared cluster ranges, nothing else."""
        from constructs_lib.megaport import DataMegaportLocation, Mcr, McrPrefixFilterList, PrefixFilterEntry

        router = plan.router
        location = DataMegaportLocation(self, f"{plan.id}_location", id=router.location_id)
        mcr = Mcr(
            self,
            f"{plan.id}_mcr",
            product_name=f"{env.name}-{router.name}",
            location_id=location.id,
            contract_term_months=mp.contract_term_months,
            port_speed=router.port_speed_mbps,
            asn=router.asn,
            diversity_zone=router.diversity_zone,
            resource_tags=self.tags(jurisdiction=router.jurisdiction),
        )
        prefix_filter = McrPrefixFilterList(
            self,
            f"{plan.id}_prefix_filter",
            mcr=mcr,
            description=f"{env.name}-{jurisdiction.name}-clusters",
            entries=[PrefixFilterEntry(prefix=p) for p in jurisdiction.prefixes()],
        )
        return RouterHandle(mcr=mcr, prefix_filter=prefix_filter)

    def _vxc_common(self, env: Environment, mp: Megaport, link: VxcLink) -> VxcCommonProps:
        metro = f"-{link.vxc.onramp.metro}" if link.vxc.onramp is not None else ""
        return {
            "product_name": f"{env.name}-{link.router.name}-{link.cluster.name}{metro}",
            "rate_limit_mbps": link.rate_limit_mbps(mp),
            "contract_term_months": mp.contract_term_months,
            "vlan": link.vxc.vlan,
            "resource_tags": self.tags(jurisdiction=link.router.jurisdiction, cluster=link.cluster.name),
        }

    def _megaport_aws(
        self, env: Environment, mp: Megaport, j: JurisdictionPlan, routers: dict[str, RouterHandle]
    ) -> None:
        from constructs_lib.aws.interconnect import DirectConnectGateway, VpcGateway
        from constructs_lib.megaport.cloud_vxcs import HostedVifVxc

        links = j.vxcs("aws")
        if not links:
            return
        # One Direct Connect gateway per jurisdiction: a VPN gateway associates with only one.
        dxgw = DirectConnectGateway(
            self, f"dxgw_{j.name}", name=f"{env.name}-{j.name}", amazon_side_asn=mp.aws_amazon_side_asn
        )
        for cluster in j.aws_clusters():
            h, cid = self.handle(cluster.name), logical(cluster.name)
            vgw = VpcGateway(
                self,
                f"{cid}_vgw",
                name=f"{env.name}-{cluster.name}-vgw",
                vpc_id=h.network_id,
                region=cluster.region,
                route_table_ids=h.private_route_table_ids,
                tags=self.cluster_tags(cluster),
            )
            dxgw.associate(f"{cid}_association", gateway=vgw, allowed_prefixes=[str(cluster.network.cidr)])
        announced = declared_ranges(c for c in j.clusters if c.cloud != "aws")
        company = PARTNER_LOOKUP["aws"][1]
        for link in links:
            router, onramp = routers[link.router.name], link.vxc.onramp
            assert onramp is not None  # validation: AWS VXCs name their on-ramp
            HostedVifVxc(
                self,
                link.id,
                mcr=router.mcr,
                mcr_asn=link.router.asn,
                diversity_zone=link.zone,
                onramp_location_id=onramp.location_id,
                onramp_product_name=onramp.product_name,
                company_name=company,
                dx_gateway=dxgw,
                accepter_region=link.cluster.region,
                owner_account=env.accounts.aws.account_id,
                customer_address=link.link.with_prefix(link.link.first),
                amazon_address=link.link.with_prefix(link.link.second),
                announced_prefixes=announced,
                tags=self.cluster_tags(link.cluster),
                depends_on=[router.prefix_filter],
                **self._vxc_common(env, mp, link),
            )

    def _megaport_gcp(
        self, env: Environment, mp: Megaport, j: JurisdictionPlan, routers: dict[str, RouterHandle]
    ) -> None:
        from constructs_lib.gcp.interconnect import PartnerInterconnect
        from constructs_lib.megaport.cloud_vxcs import GooglePartnerVxc

        for name, links in j.gcp_clusters().items():
            cluster, h, cid = env.cluster(name), self.handle(name), logical(name)
            # One attachment per VXC, keyed by zone and metro (Google's 99.99%: both edge
            # domains in each of two metros).
            keys = {
                link.id: f"{link.zone}_{link.vxc.onramp.metro if link.vxc.onramp else ''}" for link in links
            }
            interconnect = PartnerInterconnect(
                self,
                f"{cid}_interconnect",
                name=f"{env.name}-{j.name}-{name}"[:63].rstrip("-"),
                network=h.network_id,
                region=cluster.region,
                advertised_ranges=declared_ranges([cluster]),
                attachments={keys[link.id]: GCP_EDGE_DOMAIN[link.zone] for link in links},
                labels=self.cluster_tags(cluster),
            )
            for link in links:
                router, onramp = routers[link.router.name], link.vxc.onramp
                assert onramp is not None  # validation: GCP VXCs name their on-ramp
                GooglePartnerVxc(
                    self,
                    link.id,
                    mcr=router.mcr,
                    diversity_zone=link.zone,
                    onramp_location_id=onramp.location_id,
                    onramp_product_name=onramp.product_name,
                    company_name=PARTNER_LOOKUP["gcp"][1],
                    pairing_key=interconnect.pairing_key(keys[link.id]),
                    depends_on=[router.prefix_filter],
                    **self._vxc_common(env, mp, link),
                )

    def _megaport_azure(
        self, env: Environment, mp: Megaport, j: JurisdictionPlan, routers: dict[str, RouterHandle]
    ) -> None:
        from constructs_lib.azure.interconnect import ExpressRouteCircuit, ExpressRouteVnetConnection
        from constructs_lib.megaport.cloud_vxcs import ExpressRouteVxc

        for plan in j.azure_circuits():
            cluster, h, cid = plan.cluster, self.handle(plan.cluster.name), logical(plan.cluster.name)
            tags = self.cluster_tags(cluster)
            name = f"{env.name}-{j.name}-{cluster.name}"
            resource_group_name, gateway_subnet_id = h.azure_gateway_refs()
            circuit = ExpressRouteCircuit(
                self,
                f"{cid}_circuit",
                name=name,
                resource_group_name=resource_group_name,
                location=cluster.region,
                peering_location=plan.primary.router.azure_peering_location,
                bandwidth_in_mbps=mp.azure_circuit_bandwidth_mbps,
                sku_tier=mp.azure_sku_tier,
                tags=tags,
            )
            vxcs = []
            for link in (plan.primary, plan.secondary):
                router = routers[link.router.name]
                vxcs.append(
                    ExpressRouteVxc(
                        self,
                        link.id,
                        mcr=router.mcr,
                        prefix_filter=router.prefix_filter,
                        circuit=circuit,
                        port_choice=AZURE_PORT[link.zone],
                        peering_vlan=plan.peering_vlan,
                        mcr_address=str(link.link.first),
                        microsoft_address=str(link.link.second),
                        prefixlen=link.link.network.prefixlen,
                        microsoft_asn=MICROSOFT_ASN,
                        **self._vxc_common(env, mp, link),
                    ).vxc
                )
            # Both routers speak to Microsoft; the peering's peer ASN is one number, so both MCRs
            # of a jurisdiction must share it for Azure (validation checks).
            ExpressRouteVnetConnection(
                self,
                f"{cid}_expressroute",
                name=name,
                circuit=circuit,
                peer_asn=plan.primary.router.asn,
                vlan_id=plan.peering_vlan,
                primary_peer_address_prefix=str(plan.primary.link.network),
                secondary_peer_address_prefix=str(plan.secondary.link.network),
                gateway_subnet_id=gateway_subnet_id,
                gateway_sku=mp.azure_gateway_sku,
                provisioned_by=vxcs,
                tags=tags,
            )

    # ---- dev/staging: IPsec VPN ------------------------------------------------------------

    def _vpn(self, env: Environment, vpn: Vpn) -> None:
        from cdktf_cdktf_provider_random.provider import RandomProvider

        from constructs_lib.aws.interconnect import VpcGateway
        from constructs_lib.azure.vpn import AzureVpnGateway
        from constructs_lib.gcp.vpn import HaVpn
        from constructs_lib.ipsec import PresharedKey

        RandomProvider(self, "random")
        links = vpn_links(env.clusters, vpn)
        clusters = list(dict.fromkeys(c.name for link in links for c in (link.a, link.b)))
        ends = {name: self._vpn_gateway(env, vpn, env.cluster(name), links) for name in clusters}
        for link in links:
            lid = f"{logical(link.a.name)}_to_{logical(link.b.name)}"
            keys = [PresharedKey(self, f"{lid}_psk_{t}").value for t in range(len(link.tunnels))]
            a, b = ends[link.a.name], ends[link.b.name]
            # link_pairs orders each pair by CLOUD_ORDER (aws, gcp, azure).
            if isinstance(a, VpcGateway) and isinstance(b, HaVpn):
                self._vpn_aws_gcp(env, vpn, link, lid, keys, a, b)
            elif isinstance(a, VpcGateway) and isinstance(b, AzureVpnGateway):
                self._vpn_aws_azure(env, vpn, link, lid, keys, a, b)
            elif isinstance(a, HaVpn) and isinstance(b, AzureVpnGateway):
                self._vpn_gcp_azure(env, vpn, link, lid, keys, a, b)
            else:
                raise ValueError(
                    f"VPN link {link.name}: no VPN between {link.clouds[0]} and {link.clouds[1]}"
                )

    def _vpn_gateway(
        self, env: Environment, vpn: Vpn, cluster: Cluster, links: list[VpnLink]
    ) -> VpcGateway | HaVpn | AzureVpnGateway:
        """The cluster's VPN endpoint: an AWS VGW, a GCP HA VPN gateway or an Azure VPN gateway."""
        from constructs_lib.aws.interconnect import VpcGateway
        from constructs_lib.azure.vpn import AzureVpnGateway
        from constructs_lib.gcp.vpn import HaVpn

        h, cid, tags = self.handle(cluster.name), logical(cluster.name), self.cluster_tags(cluster)
        name = f"{env.name}-{cluster.name}-vpn"
        if cluster.cloud == "aws":
            return VpcGateway(
                self,
                f"{cid}_vgw",
                name=name,
                vpc_id=h.network_id,
                region=cluster.region,
                route_table_ids=h.private_route_table_ids,
                amazon_side_asn=vpn.aws_amazon_side_asn,
                tags=tags,
            )
        if cluster.cloud == "gcp":
            return HaVpn(
                self,
                f"{cid}_havpn",
                name=name,
                network=h.network_id,
                region=cluster.region,
                asn=vpn.gcp_router_asn,
                advertised_ranges=declared_ranges([cluster]),
                labels=tags,
            )
        # Azure needs every tunnel's BGP address on the gateway itself (custom APIPA addresses).
        apipa = [
            str(t.address_of(side_of(link, cluster.name)))
            for link in links
            if cluster.name in (link.a.name, link.b.name)
            for t in link.tunnels
        ]
        resource_group_name, gateway_subnet_id = h.azure_gateway_refs()
        return AzureVpnGateway(
            self,
            f"{cid}_vpngw",
            name=name,
            resource_group_name=resource_group_name,
            location=cluster.region,
            gateway_subnet_id=gateway_subnet_id,
            asn=vpn.azure_gateway_asn,
            apipa_addresses=apipa,
            sku=vpn.azure_gateway_sku,
            tags=tags,
        )

    def _vpn_aws_gcp(
        self, env: Environment, vpn: Vpn, link: VpnLink, lid: str, keys: list[str], vgw: VpcGateway, ha: HaVpn
    ) -> None:
        from constructs_lib.aws.vpn import AwsSiteToSiteVpn
        from constructs_lib.gcp.vpn import HaVpnTunnel

        # AWS sends both tunnels to one customer gateway address: GCP interface 0.
        s2s = AwsSiteToSiteVpn(
            self,
            lid,
            name=f"{env.name}-{link.name}",
            gateway=vgw,
            peer_ip_address=ha.interface_address(0),
            peer_asn=vpn.gcp_router_asn,
            tunnel_inside_cidrs=[str(t.inside.network) for t in link.tunnels],
            preshared_keys=keys,
            tags=self.cluster_tags(link.a),
        )
        ha.connect(
            logical(link.a.name),
            peer=link.a.name,
            peer_addresses=list(s2s.tunnel_addresses),
            peer_asn=vpn.aws_amazon_side_asn,
            tunnels=[
                HaVpnTunnel(
                    gateway_interface=0,
                    peer_interface=t,
                    shared_secret=keys[t],
                    inside_address=tun.inside.with_prefix(tun.address_of("b")),
                    peer_inside_address=str(tun.address_of("a")),
                )
                for t, tun in enumerate(link.tunnels)
            ],
        )

    def _vpn_aws_azure(
        self,
        env: Environment,
        vpn: Vpn,
        link: VpnLink,
        lid: str,
        keys: list[str],
        vgw: VpcGateway,
        gw: AzureVpnGateway,
    ) -> None:
        from constructs_lib.aws.vpn import AwsSiteToSiteVpn

        s2s = AwsSiteToSiteVpn(
            self,
            lid,
            name=f"{env.name}-{link.name}",
            gateway=vgw,
            peer_ip_address=gw.public_ip_address,
            peer_asn=vpn.azure_gateway_asn,
            tunnel_inside_cidrs=[str(t.inside.network) for t in link.tunnels],
            preshared_keys=keys,
            tags=self.cluster_tags(link.a),
        )
        for t, tun in enumerate(link.tunnels):
            gw.connect(
                f"{logical(link.a.name)}_{t}",
                name=f"{env.name}-{link.name}-{t}",
                peer_address=s2s.tunnel_addresses[t],
                peer_asn=vpn.aws_amazon_side_asn,
                peer_bgp_address=str(tun.address_of("a")),
                local_bgp_address=str(tun.address_of("b")),
                shared_key=keys[t],
            )

    def _vpn_gcp_azure(
        self,
        env: Environment,
        vpn: Vpn,
        link: VpnLink,
        lid: str,
        keys: list[str],
        ha: HaVpn,
        gw: AzureVpnGateway,
    ) -> None:
        from constructs_lib.gcp.vpn import HaVpnTunnel

        # One tunnel from each HA VPN interface to the Azure gateway's single address.
        ha.connect(
            logical(link.b.name),
            peer=link.b.name,
            peer_addresses=[gw.public_ip_address],
            peer_asn=vpn.azure_gateway_asn,
            tunnels=[
                HaVpnTunnel(
                    gateway_interface=t,
                    peer_interface=0,
                    shared_secret=keys[t],
                    inside_address=tun.inside.with_prefix(tun.address_of("a")),
                    peer_inside_address=str(tun.address_of("b")),
                )
                for t, tun in enumerate(link.tunnels)
            ],
        )
        for t, tun in enumerate(link.tunnels):
            gw.connect(
                f"{logical(link.a.name)}_{t}",
                name=f"{env.name}-{link.name}-{t}",
                peer_address=ha.interface_address(t),
                peer_asn=vpn.gcp_router_asn,
                peer_bgp_address=str(tun.address_of("a")),
                local_bgp_address=str(tun.address_of("b")),
                shared_key=keys[t],
            )
