"""How Vault's servers reach each cluster's API server, and how Vault checks the cluster's tokens.

Pure Python (no cdktf, no provider): the Vault stack, the validation, the README table and
the tests read the same plan. A private API server is reachable only from networks with a
route to it AND a name for it AND an authorized range that admits the caller, so each
cluster's entry says all three:

- network: the home cluster (Vault runs there: `vault.servers.home_cluster`, left out the first
  cluster) reaches itself inside its own network; another cluster through a link this
  repository declares: a Megaport Cloud Router both clusters have a VXC on, or a VPN link
  between the two (or through the VPN hub). No declared link: `network` is None and the table
  says so (same-cloud peering, e.g. two AWS regions, is not declared by this repository).
- DNS: EKS private endpoints have a name that resolves only inside the cluster's VPC (an
  EKS-managed private hosted zone; EKS user guide "Cluster API server endpoint": from a
  connected network you need a Route 53 Resolver inbound endpoint and a forwarding rule);
  private AKS clusters have a name in the private DNS zone `privatelink.<region>.azmk8s.io`
  (AKS docs "Create a private cluster": link that zone, or forward to Azure DNS, from the
  caller's network); a GKE private endpoint is an IP address (no name to resolve).
- authorized ranges: `source_cidrs` (from `vault.servers.source_cidrs`, left out: the home
  cluster's network and pod ranges) must be admitted by every API server's authorized
  networks / security group. `api_sources(env)` is the one place that computes them, so the
  cluster stacks (and the operator path) can take them from here instead of copying CIDRs.

Token review (what Vault does with a login): Vault calls the cluster's TokenReview API. Outside
its home cluster Vault has no local service-account token the cluster accepts, so every
backend sets `disable_local_ca_jwt = true` and no `token_reviewer_jwt`: Vault then reviews each
login with the client's own JWT, which works when the logging-in service account is bound to
`system:auth-delegator` (Vault docs, auth/kubernetes, "Use the Vault client's JWT as the
reviewer JWT"; terraform-provider-vault v5.6.0 vault/resource_kubernetes_auth_backend_config.go
`disable_local_ca_jwt`). The CA is the cluster's own, from the cluster stack's handle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from stacks.interconnect_plan import link_pairs
from stacks.params import Cluster, Environment, Megaport, Vpn

REVIEW = "client JWT (disable_local_ca_jwt, no reviewer token); login service accounts bound to system:auth-delegator"


@dataclass(frozen=True)
class ClusterReach:
    cluster: str
    cloud: str
    region: str
    home: bool
    network: str | None  # None: no path declared in this repository
    dns: str
    source_cidrs: tuple[str, ...]
    review: str = REVIEW


def home_cluster(env: Environment) -> Cluster:
    name = env.vault.servers.home_cluster
    return env.cluster(name) if name else env.clusters[0]


def api_sources(env: Environment) -> tuple[str, ...]:
    """The networks Vault's servers call API servers from (to admit in every authorized range)."""
    if env.vault.servers.source_cidrs:
        return tuple(str(c) for c in env.vault.servers.source_cidrs)
    home = home_cluster(env)
    ranges = [home.network.cidr]
    if home.network.pods_cidr is not None:
        ranges.append(home.network.pods_cidr)
    return tuple(str(r) for r in ranges)


def _dns(cluster: Cluster, home: bool) -> str:
    if cluster.cloud == "gcp":
        return "none needed: the private endpoint is an IP address"
    if home:
        return "the network's own resolver"
    if cluster.cloud == "aws":
        return "Route 53 Resolver inbound endpoint in the cluster VPC + forwarding rule for the endpoint name"
    return f"private DNS zone privatelink.{cluster.region}.azmk8s.io linked to (or forwarded from) Vault's network"


def _network(env: Environment, home: Cluster, cluster: Cluster) -> str | None:
    if cluster.name == home.name:
        return f"inside {home.name}'s network"
    ic = env.interconnect
    if isinstance(ic, Megaport):
        for router in ic.routers:
            on = {v.cluster for v in router.vxcs}
            if home.name in on and cluster.name in on:
                return f"Megaport Cloud Router {router.name}"
        return None
    if isinstance(ic, Vpn):
        pairs = {frozenset((a.name, b.name)) for a, b in link_pairs(env.clusters, ic.hub_cluster)}
        if frozenset((home.name, cluster.name)) in pairs:
            return f"VPN link {home.name} <-> {cluster.name}"
        hub = ic.hub_cluster
        if hub and frozenset((home.name, hub)) in pairs and frozenset((hub, cluster.name)) in pairs:
            return f"VPN through hub {hub}"
        return None
    assert_never(ic)


def plan_reach(env: Environment) -> tuple[ClusterReach, ...]:
    home = home_cluster(env)
    sources = api_sources(env)
    return tuple(
        ClusterReach(
            cluster=c.name,
            cloud=c.cloud,
            region=c.region,
            home=c.name == home.name,
            network=_network(env, home, c),
            dns=_dns(c, c.name == home.name),
            source_cidrs=sources,
        )
        for c in env.clusters
    )


def markdown_table(env: Environment) -> str:
    """Per cluster: how Vault checks its workloads' tokens and how it reaches the API server."""
    home = home_cluster(env)
    lines = [
        f"**{env.name}** (Vault {env.vault.edition} >= {env.vault.min_version}, servers in {home.name}, "
        f"source ranges {', '.join(api_sources(env))}):",
        "",
        "| cluster | auth backend | token review | CA | network path | DNS |",
        "|---|---|---|---|---|---|",
    ]
    for r in plan_reach(env):
        network = r.network or "**none declared** (needs peering / a VXC; see issue 18)"
        lines.append(
            f"| {r.cluster} | `kubernetes-{r.cluster}` | client JWT, `disable_local_ca_jwt` | cluster stack handle "
            f"| {network} | {r.dns} |"
        )
    return "\n".join(lines) + "\n"


def readme_section(envs: list[Environment]) -> str:
    return "\n".join(markdown_table(e) for e in envs)


if __name__ == "__main__":  # python -m stacks.vault_reach: the README table
    from stacks.environments import ENV_DIR
    from stacks.validation import load_environment

    print(
        readme_section([load_environment(ENV_DIR / f"{n}.yaml") for n in ("dev", "staging", "prod")]), end=""
    )
