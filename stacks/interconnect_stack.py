"""`<env>-global-interconnect`: the private, routed network between the clusters' networks.

The environment's `interconnect` decides the kind; stacks/interconnect_plan.py computes every
address and the topology, so this module only turns the plan into constructs. Cluster
networks come from the cluster stacks' ClusterHandles (`ctx.clusters`): VPC, route tables,
GCP network, Azure resource group and GatewaySubnet are cross-stack references.

prod - Megaport (`kind: megaport`), one Megaport Cloud Router (MCR) per router entry:
  AWS    Direct Connect gateway (amazon_side_asn from the file) associated, through a virtual
         private gateway per VPC, with every AWS cluster of the router's jurisdiction; each AWS
         VXC orders a hosted private VIF (aws_config) that the AWS side accepts onto the
         Direct Connect gateway. The MCR configures BGP for a hosted VIF itself, from
         aws_config's ASNs and addresses.
  GCP    per cluster a Cloud Router with ASN 16550 and one PARTNER attachment per VXC
         (red -> AVAILABILITY_DOMAIN_1, blue -> _2); the attachment's pairing key is the
         VXC's google_config.pairing_key and megaport_partner (GOOGLE, same diversity zone)
         its B-End. Google and Megaport set up the BGP session (layer-3 partner).
  Azure  per cluster an ExpressRoute circuit (provider Megaport); the red VXC takes the
         primary port, the blue the secondary, both with the circuit's service key. The
         private peering is configured on the Azure side (azurerm), so the MCR side of each
         VXC carries a vrouter interface (inner VLAN = peering VLAN, first host of the /30)
         with a BGP session to Microsoft (12076). An ExpressRoute gateway in the VNet's
         GatewaySubnet connects the circuit once the peering exists.
dev/staging - IPsec VPN (`kind: vpn`): links and tunnel addresses from vpn_links(); per
  cluster one gateway (AWS VGW, GCP HA VPN + Cloud Router, Azure VPN gateway), per link two
  tunnels with BGP, each with its own generated pre-shared key (random_password; the JSON
  holds only `${random_password...result}` references).

Routes: GCP Cloud Routers advertise only the cluster's declared ranges (custom mode), the
Direct Connect association allows only the VPC's range, AWS VGWs and Azure gateways
advertise their own VPC/VNet.
"""

from __future__ import annotations

from typing import Any

from cdktf import Fn, TerraformIterator, Token
from constructs import Construct

from stacks.base import PlatformStack
from stacks.context import BuildContext, ClusterHandle
from stacks.cross_cloud import add_cross_cloud_rules
from stacks.interconnect_plan import (
    AZURE_PORT,
    GCP_EDGE_DOMAIN,
    MICROSOFT_ASN,
    VpnLink,
    azure_circuits,
    declared_ranges,
    side_of,
    vpn_links,
    vxc_link,
)
from stacks.logical_ids import PathLogicalIds
from stacks.params import Cluster, Environment, Megaport, Vpn

COMPONENT = "interconnect"


def build(app: Construct, ctx: BuildContext) -> None:
    """Add the environment's interconnect stack (after the cluster stacks registered their handles)."""
    InterconnectStack(app, ctx=ctx)


def logical(name: str) -> str:
    """`mcr-us` -> `mcr_us`: a construct id from a name of the environment file."""
    return name.replace("-", "_")


def aws_vif_id(vxc: Any) -> str:
    """The hosted VIF id Megaport reports on a VXC to AWS, as a reference.

    megaport_vxc exports it as `csp_connections[*].vif_id` ("The ID of the AWS Virtual
    Interface"). The list also holds the MCR's own entry and its order is not documented, so
    the entry is selected by `connect_type == "AWS"` rather than by position.
    """
    connections = TerraformIterator.from_list(vxc.interpolation_for_attribute("csp_connections"))
    return Token.as_string(
        Fn.one(connections.for_expression_for_list('val.vif_id if val.connect_type == "AWS"'))
    )


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
        from constructs_lib.megaport import DataMegaportLocation, Mcr, MegaportProvider

        MegaportProvider(self, "megaport", environment=mp.environment, accept_purchase_terms=True)
        for r, router in enumerate(mp.routers):
            rid = logical(router.name)
            location = DataMegaportLocation(self, f"{rid}_location", id=router.location_id)
            mcr = Mcr(
                self,
                f"{rid}_mcr",
                product_name=f"{env.name}-{router.name}",
                location_id=location.id,
                contract_term_months=mp.contract_term_months,
                port_speed=router.port_speed_mbps,
                asn=router.asn,
                resource_tags=self.tags(jurisdiction=router.jurisdiction),
            )
            self._megaport_aws(env, mp, r, mcr, location)
            self._megaport_gcp(env, mp, r, mcr, location)
            self._megaport_azure(env, mp, r, mcr)

    def _vxc_common(self, env: Environment, mp: Megaport, r: int, v: int) -> dict[str, Any]:
        router, vxc = mp.routers[r], mp.routers[r].vxcs[v]
        return {
            "product_name": f"{env.name}-{router.name}-{vxc.cluster}-{vxc.diversity_zone}",
            "rate_limit": vxc.rate_limit_mbps or mp.rate_limit_mbps,
            "contract_term_months": mp.contract_term_months,
            "resource_tags": self.tags(jurisdiction=router.jurisdiction, cluster=vxc.cluster),
        }

    def _peers_of(self, env: Environment, mp: Megaport, r: int, cloud: str) -> list[Cluster]:
        """The clusters of the other clouds behind router r: what the MCR announces to `cloud`."""
        names = dict.fromkeys(v.cluster for v in mp.routers[r].vxcs if v.cloud != cloud)
        return [env.cluster(n) for n in names]

    def _megaport_aws(self, env: Environment, mp: Megaport, r: int, mcr: Any, location: Any) -> None:
        from constructs_lib.aws.interconnect import DirectConnectGateway, VpcGateway
        from constructs_lib.megaport import AwsConfig, DataMegaportPartner, PartnerConfig, Vxc, VxcEnd

        router = mp.routers[r]
        rid = logical(router.name)
        vxcs = [(v, p) for v, p in enumerate(router.vxcs) if p.cloud == "aws"]
        if not vxcs:
            return
        dxgw = DirectConnectGateway(
            self, f"{rid}_dxgw", name=f"{env.name}-{router.name}", amazon_side_asn=mp.aws_amazon_side_asn
        )
        for cluster in env.clusters_of("aws"):
            if cluster.jurisdiction != router.jurisdiction:
                continue
            h = self.handle(cluster.name)
            cid = logical(cluster.name)
            vgw = VpcGateway(
                self,
                f"{rid}_{cid}_vgw",
                name=f"{env.name}-{cluster.name}-vgw",
                vpc_id=h.network_id,
                region=cluster.region,
                route_table_ids=h.private_route_table_ids,
                tags=self.cluster_tags(cluster),
            )
            dxgw.associate(
                f"{rid}_{cid}_association", gateway=vgw, allowed_prefixes=[str(cluster.network.cidr)]
            )
        announced = ",".join(declared_ranges(self._peers_of(env, mp, r, "aws")))
        for v, plan in vxcs:
            cluster = env.cluster(plan.cluster)
            link = vxc_link(mp.link_cidr, r, v)
            port = DataMegaportPartner(
                self,
                f"{rid}_aws_{plan.diversity_zone}_{v}_port",
                connect_type="AWS",
                location_id=location.id,
                diversity_zone=plan.diversity_zone,
            )
            common = self._vxc_common(env, mp, r, v)
            vxc = Vxc(
                self,
                f"{rid}_vxc_{v}_aws_{plan.diversity_zone}",
                **common,
                a_end=VxcEnd(requested_product_uid=mcr.product_uid, ordered_vlan=plan.vlan),
                b_end=VxcEnd(requested_product_uid=port.product_uid),
                b_end_partner_config=PartnerConfig(
                    partner="aws",
                    aws_config=AwsConfig(
                        connect_type="AWS",
                        type="private",
                        name=common["product_name"],
                        owner_account=env.accounts.aws.account_id,
                        asn=router.asn,
                        amazon_asn=dxgw.amazon_side_asn,
                        customer_ip_address=link.with_prefix(link.first),
                        amazon_ip_address=link.with_prefix(link.second),
                        prefixes=announced or None,
                    ),
                ),
            )
            dxgw.accept_hosted_private_vif(
                f"{rid}_vxc_{v}_accepter",
                virtual_interface_id=aws_vif_id(vxc),
                region=cluster.region,
                tags={**self.cluster_tags(cluster), "Name": common["product_name"]},
            )

    def _megaport_gcp(self, env: Environment, mp: Megaport, r: int, mcr: Any, location: Any) -> None:
        from constructs_lib.gcp.interconnect import PartnerInterconnect
        from constructs_lib.megaport import DataMegaportPartner, GoogleConfig, PartnerConfig, Vxc, VxcEnd

        router = mp.routers[r]
        rid = logical(router.name)
        by_cluster: dict[str, list[int]] = {}
        for v, plan in enumerate(router.vxcs):
            if plan.cloud == "gcp":
                by_cluster.setdefault(plan.cluster, []).append(v)
        for name, positions in by_cluster.items():
            cluster, h, cid = env.cluster(name), self.handle(name), logical(name)
            interconnect = PartnerInterconnect(
                self,
                f"{rid}_{cid}_interconnect",
                name=f"{env.name}-{router.name}-{name}"[:63].rstrip("-"),
                network=h.network_id,
                region=cluster.region,
                advertised_ranges=declared_ranges([cluster]),
                edge_availability_domains=[GCP_EDGE_DOMAIN[router.vxcs[v].diversity_zone] for v in positions],
                labels=self.cluster_tags(cluster),
            )
            for v in positions:
                plan = router.vxcs[v]
                port = DataMegaportPartner(
                    self,
                    f"{rid}_google_{plan.diversity_zone}_{v}_port",
                    connect_type="GOOGLE",
                    location_id=location.id,
                    diversity_zone=plan.diversity_zone,
                )
                Vxc(
                    self,
                    f"{rid}_vxc_{v}_gcp_{plan.diversity_zone}",
                    **self._vxc_common(env, mp, r, v),
                    a_end=VxcEnd(requested_product_uid=mcr.product_uid, ordered_vlan=plan.vlan),
                    b_end=VxcEnd(requested_product_uid=port.product_uid),
                    b_end_partner_config=PartnerConfig(
                        partner="google",
                        google_config=GoogleConfig(
                            pairing_key=interconnect.pairing_key(GCP_EDGE_DOMAIN[plan.diversity_zone])
                        ),
                    ),
                )

    def _megaport_azure(self, env: Environment, mp: Megaport, r: int, mcr: Any) -> None:
        from constructs_lib.azure.interconnect import ExpressRouteCircuit, ExpressRouteVnetConnection
        from constructs_lib.megaport import (
            AzureConfig,
            BgpConnection,
            PartnerConfig,
            VrouterConfig,
            VrouterInterface,
            Vxc,
            VxcEnd,
        )

        router = mp.routers[r]
        rid = logical(router.name)
        for plan in azure_circuits(mp, r):
            cluster, h, cid = env.cluster(plan.cluster), self.handle(plan.cluster), logical(plan.cluster)
            tags = self.cluster_tags(cluster)
            name = f"{env.name}-{router.name}-{plan.cluster}"
            circuit = ExpressRouteCircuit(
                self,
                f"{rid}_{cid}_circuit",
                name=name,
                resource_group_name=h.resource_group_name,
                location=cluster.region,
                peering_location=router.azure_peering_location,
                bandwidth_in_mbps=mp.azure_circuit_bandwidth_mbps,
                sku_tier=mp.azure_sku_tier,
                tags=tags,
            )
            vxcs = []
            for (v, vxc_plan), link in (
                (plan.primary, plan.primary_link),
                (plan.secondary, plan.secondary_link),
            ):
                vxcs.append(
                    Vxc(
                        self,
                        f"{rid}_vxc_{v}_azure_{vxc_plan.diversity_zone}",
                        **self._vxc_common(env, mp, r, v),
                        a_end=VxcEnd(requested_product_uid=mcr.product_uid, ordered_vlan=vxc_plan.vlan),
                        a_end_partner_config=PartnerConfig(
                            partner="vrouter",
                            vrouter_config=VrouterConfig(
                                interfaces=[
                                    VrouterInterface(
                                        ip_addresses=[link.with_prefix(link.first)],
                                        vlan=plan.peering_vlan,
                                        bgp_connections=[
                                            BgpConnection(
                                                peer_asn=MICROSOFT_ASN,
                                                local_ip_address=str(link.first),
                                                peer_ip_address=str(link.second),
                                                description=f"{name} {AZURE_PORT[vxc_plan.diversity_zone]}",
                                            )
                                        ],
                                    )
                                ]
                            ),
                        ),
                        b_end=VxcEnd(),
                        b_end_partner_config=PartnerConfig(
                            partner="azure",
                            azure_config=AzureConfig(
                                service_key=circuit.service_key,
                                port_choice=AZURE_PORT[vxc_plan.diversity_zone],
                            ),
                        ),
                    )
                )
            ExpressRouteVnetConnection(
                self,
                f"{rid}_{cid}_expressroute",
                name=name,
                circuit=circuit,
                peer_asn=router.asn,
                vlan_id=plan.peering_vlan,
                primary_peer_address_prefix=str(plan.primary_link.network),
                secondary_peer_address_prefix=str(plan.secondary_link.network),
                gateway_subnet_id=h.gateway_subnet_id,
                provisioned_by=vxcs,
                tags=tags,
            )

    # ---- dev/staging: IPsec VPN ------------------------------------------------------------

    def _vpn(self, env: Environment, vpn: Vpn) -> None:
        from cdktf_cdktf_provider_random.provider import RandomProvider

        from constructs_lib.ipsec import PresharedKey

        RandomProvider(self, "random")
        links = vpn_links(env.clusters, vpn)
        clusters = list(dict.fromkeys(c.name for link in links for c in (link.a, link.b)))
        ends = {name: self._vpn_gateway(env, vpn, env.cluster(name), links) for name in clusters}
        connect = {
            ("aws", "gcp"): self._vpn_aws_gcp,
            ("aws", "azure"): self._vpn_aws_azure,
            ("gcp", "azure"): self._vpn_gcp_azure,
        }
        for link in links:
            lid = f"{logical(link.a.name)}_to_{logical(link.b.name)}"
            keys = [PresharedKey(self, f"{lid}_psk_{t}").value for t in range(len(link.tunnels))]
            connect[link.clouds](env, vpn, link, lid, keys, ends[link.a.name], ends[link.b.name])

    def _vpn_gateway(self, env: Environment, vpn: Vpn, cluster: Cluster, links: list[VpnLink]) -> Any:
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
        return AzureVpnGateway(
            self,
            f"{cid}_vpngw",
            name=name,
            resource_group_name=h.resource_group_name,
            location=cluster.region,
            gateway_subnet_id=h.gateway_subnet_id,
            asn=vpn.azure_gateway_asn,
            apipa_addresses=apipa,
            sku=vpn.azure_gateway_sku,
            tags=tags,
        )

    def _vpn_aws_gcp(
        self, env: Environment, vpn: Vpn, link: VpnLink, lid: str, keys: list[str], vgw: Any, ha: Any
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
        self, env: Environment, vpn: Vpn, link: VpnLink, lid: str, keys: list[str], vgw: Any, gw: Any
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
        self, env: Environment, vpn: Vpn, link: VpnLink, lid: str, keys: list[str], ha: Any, gw: Any
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
