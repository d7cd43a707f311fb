"""Generate the corpus of defective parameter files: one edit of a shipped file, one defect each.

    .venv/bin/python tests/corpus/generate.py          # rewrite tests/corpus/bad/
    .venv/bin/python tests/corpus/generate.py --check  # fail if the files are stale

Each case is `Case(id, env, expect, edit)`: `edit` changes the parsed shipped file (or its text
or bytes), `expect` is a text the rejection must contain (a key path or words of the message),
so a case fails if its defect stops being caught and only an incidental error remains.
tests/unit/test_bad_parameter_corpus.py runs `python -m stacks validate` on every file.
"""

from __future__ import annotations

import copy
import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
ENV_DIR = ROOT / "environments"
OUT = Path(__file__).resolve().parent / "bad"


@dataclass(frozen=True)
class Case:
    id: str
    env: str
    expect: str
    edit: Callable[[Any], Any]
    mode: str = "data"  # data: edit the parsed dict; text: edit the str; bytes: edit the raw bytes


def c(d: dict, name: str) -> dict:
    return next(x for x in d["clusters"] if x["name"] == name)


def setp(path: str, value: Any) -> Callable[[dict], None]:
    """Set a dotted path; `clusters@name` selects a cluster by name, `[n]` a list element."""

    def edit(d: dict) -> None:
        parts = path.split(".")
        node: Any = d
        for part in parts[:-1]:
            node = _step(node, part, create=True)
        last = parts[-1]
        if last.startswith("[") and last.endswith("]"):
            node[int(last[1:-1])] = copy.deepcopy(value)
        else:
            node[last] = copy.deepcopy(value)

    return edit


def delp(path: str) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        parts = path.split(".")
        node: Any = d
        for part in parts[:-1]:
            node = _step(node, part, create=False)
        last = parts[-1]
        del node[int(last[1:-1]) if last.startswith("[") else last]

    return edit


def _step(node: Any, part: str, create: bool) -> Any:
    if part.startswith("clusters@"):
        return c(node, part.split("@", 1)[1])
    if part.startswith("[") and part.endswith("]"):
        return node[int(part[1:-1])]
    if create and part not in node:
        node[part] = {}
    return node[part]


def both(*edits: Callable[[dict], None]) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        for e in edits:
            e(d)

    return edit


def text_replace(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def edit(t: str) -> str:
        assert old in t, old
        return t.replace(old, new, count)

    return edit


def roles_only(roles: list) -> Callable[[dict], None]:
    """Replace vault.roles; the default bindings name the default roles, so bind nothing."""
    return both(setp("vault.roles", roles), setp("vault.kubernetes_bindings", []))


AWS1 = "clusters@aws-us-east-1"
GKE1 = "clusters@gcp-us-central1"
AKS1 = "clusters@azure-eastus"
VAULT_ROLE_PATHS = {"secret/data/x/*": ["read"]}

CASES: list[Case] = [
    # --- the text itself ---
    Case(
        "dup-key-region",
        "prod",
        "duplicate key 'region'",
        text_replace(
            "region: us-east-1, jurisdiction: us, role: primary,",
            "region: us-east-1, jurisdiction: us, role: primary, region: us-east-2,",
        ),
        "text",
    ),
    Case(
        "dup-key-top-level",
        "prod",
        "duplicate key 'dns_zone'",
        text_replace(
            "dns_zone: mlops-platform.com\n", "dns_zone: mlops-platform.com\ndns_zone: other.example.com\n"
        ),
        "text",
    ),
    Case(
        "dup-key-dev-defaults",
        "dev",
        "duplicate key 'gpu'",
        text_replace("    gpu: {max_size: 2}\n", "    gpu: {max_size: 2}\n    gpu: {max_size: 9}\n"),
        "text",
    ),
    Case(
        "dup-key-vault",
        "staging",
        "duplicate key 'address'",
        text_replace(
            "  address: https://vault.staging",
            "  address: https://x.example.com\n  address: https://vault.staging",
        ),
        "text",
    ),
    Case(
        "non-utf8-latin1",
        "prod",
        "is not UTF-8",
        lambda b: b.replace(b"    role: dr\n", "    role: dr\xe9\n".encode("latin-1")),
        "bytes",
    ),
    Case(
        "non-utf8-comment", "dev", "is not UTF-8", lambda b: b.replace(b"# Dev:", b"# D\xff\xfeev:"), "bytes"
    ),
    Case(
        "yaml-syntax",
        "prod",
        "not valid YAML",
        text_replace("  - {name: aws-us-east-1,", "  - {name: aws-us-east-1,,["),
        "text",
    ),
    Case(
        "yaml-tab-indent", "dev", "not valid YAML", text_replace("  node_pools:\n", "\tnode_pools:\n"), "text"
    ),
    Case("not-a-mapping", "staging", "must be a YAML mapping", lambda t: "- just\n- a list\n", "text"),
    Case("empty-file", "prod", "must be a YAML mapping", lambda t: "# nothing\n", "text"),
    # --- field errors ---
    Case("unknown-top-key", "prod", "clusterz: is not a known key", setp("clusterz", [])),
    Case("unknown-cluster-key", "prod", "aws-us-east-1].regoin", setp(f"{AWS1}.regoin", "us-east-1")),
    Case(
        "unknown-pool-key",
        "prod",
        "node_pools.gpu.max_sise",
        setp(f"{AWS1}.node_pools", {"gpu": {"max_sise": 3}}),
    ),
    Case("missing-dns-zone", "prod", "dns_zone: is required", delp("dns_zone")),
    Case(
        "gke-security-group-wrong-name",
        "prod",
        "sso.gke_security_group: Value error, not a GKE security group: GKE requires the Google group named exactly gke-security-groups@",
        setp("sso.gke_security_group", "platform-admins@mlops-platform.com"),
    ),
    Case(
        "s3-backend-bucket-too-long",
        "prod",
        "backend.bucket: String should match pattern",
        setp("backend.bucket", "mcai-" + "p" * 47),
    ),
    Case(
        "gke-security-group-missing",
        "staging",
        "sso.gke_security_group: is required",
        delp("sso.gke_security_group"),
    ),
    Case("missing-cluster-cidr", "prod", "network.cidr: is required", setp(f"{AWS1}.network", {})),
    Case("missing-accounts", "dev", "accounts: is required", delp("accounts")),
    Case("bad-cloud", "prod", "cloud", setp(f"{AWS1}.cloud", "oracle")),
    Case("bad-jurisdiction", "prod", "jurisdiction", setp(f"{AWS1}.jurisdiction", "mars")),
    Case("bad-cidr-host-bits", "prod", "network.cidr", setp(f"{AWS1}.network.cidr", "10.10.0.1/16")),
    Case("bad-cidr-text", "prod", "network.cidr", setp(f"{AWS1}.network.cidr", "ten.ten/16")),
    Case("bad-account-id-short", "prod", "accounts.aws.account_id", setp("accounts.aws.account_id", "12345")),
    Case(
        "non-ascii-digits-account",
        "prod",
        "accounts.aws.account_id",
        setp("accounts.aws.account_id", "١٢٣٤٥٦٧٨٩٠١٢"),
    ),
    Case("non-ascii-digits-version", "prod", "kubernetes_version", setp("kubernetes_version", "1.٣٤")),
    Case("fullwidth-digits-version", "dev", "kubernetes_version", setp("kubernetes_version", "1.３４")),
    Case("bad-version-format", "prod", "kubernetes_version", setp("kubernetes_version", "v1.34.2")),
    Case("bad-name-pattern", "prod", "name", setp(f"{AWS1}.name", "AWS_East")),
    Case("bad-env-name", "prod", "name", setp("name", "Production")),
    Case("file-name-mismatch", "prod", "name the file", setp("name", "prodx")),
    Case("negative-min-size", "prod", "min_size", setp(f"{AWS1}.node_pools", {"workload": {"min_size": -1}})),
    Case("string-size", "prod", "max_size", setp(f"{AWS1}.node_pools", {"workload": {"max_size": "many"}})),
    Case(
        "disk-too-small",
        "prod",
        "disk_size_gb",
        setp(f"{AWS1}.node_pools", {"workload": {"disk_size_gb": 5}}),
    ),
    Case(
        "bad-taint-effect",
        "prod",
        "effect",
        setp(f"{AWS1}.node_pools", {"gpu": {"taints": [{"key": "nvidia.com/gpu", "effect": "Never"}]}}),
    ),
    Case(
        "bad-label-value",
        "prod",
        "labels",
        setp(f"{AWS1}.node_pools", {"workload": {"labels": {"team": "Data Science"}}}),
    ),
    Case("bad-weekday", "prod", "maintenance.day", setp(f"{AWS1}.maintenance", {"day": "Caturday"})),
    Case("bad-hour", "prod", "start_hour_utc", setp(f"{AWS1}.maintenance", {"start_hour_utc": 24})),
    Case(
        "bad-channel", "prod", "upgrade_channel", setp(f"{AWS1}.maintenance", {"upgrade_channel": "nightly"})
    ),
    Case("short-maintenance", "prod", "duration_hours", setp(f"{AWS1}.maintenance", {"duration_hours": 2})),
    Case("bad-interconnect-kind", "prod", "kind", setp("interconnect.kind", "carrier-pigeon")),
    Case("bad-port-speed", "prod", "port_speed_mbps", setp("interconnect.routers.[0].port_speed_mbps", 3000)),
    Case("bad-vlan", "prod", "vlan", setp("interconnect.routers.[0].vxcs.[0].vlan", 5000)),
    Case("bad-term", "prod", "contract_term_months", setp("interconnect.contract_term_months", 7)),
    Case(
        "bad-diversity-zone",
        "prod",
        "diversity_zone",
        setp("interconnect.routers.[0].vxcs.[0].diversity_zone", "green"),
    ),
    Case("bad-cf-account", "prod", "cloudflare_account_id", setp("edge.cloudflare_account_id", "not-hex")),
    Case("bad-steering", "prod", "steering_policy", setp("edge.steering_policy", "fastest")),
    Case(
        "bad-affinity-ttl",
        "prod",
        "session_affinity_ttl_seconds",
        setp("edge.session_affinity_ttl_seconds", 60),
    ),
    Case("bad-monitor-port", "prod", "monitor.port", setp("edge.monitor", {"port": 70000})),
    Case(
        "vault-http", "prod", "vault.address", setp("vault.address", "http://vault.mlops-platform.com:8200")
    ),
    Case(
        "bad-capability",
        "prod",
        "vault.roles",
        roles_only([{"name": "reader", "vault_paths": {"secret/*": ["peek"]}}]),
    ),
    Case("bad-backend-kind", "prod", "backend", setp("backend", {"kind": "ftp"})),
    Case("s3-backend-no-bucket", "prod", "bucket", setp("backend", {"kind": "s3", "region": "us-east-1"})),
    Case(
        "lake-bad-classification",
        "prod",
        "classifications",
        setp("data_lake.classifications", ["pii", "secret-sauce"]),
    ),
    Case("lake-warm-too-early", "prod", "warm_after_days", setp("data_lake.tiers", {"warm_after_days": 7})),
    Case("lake-lock-mode", "prod", "archive_lock_mode", setp("data_lake.archive_lock_mode", "LOOSE")),
    Case(
        "audit-retention-zero",
        "prod",
        "audit_log_retention_days",
        setp(f"{AWS1}.security", {"audit_log_retention_days": 0}),
    ),
    Case("tags-not-mapping", "prod", "tags", setp("tags", ["cost_center"])),
    Case("tag-uppercase-key", "prod", "tags", setp("tags", {"CostCenter": "ai"})),
    # --- cluster_defaults (reported once, at cluster_defaults.<path>) ---
    Case(
        "defaults-unknown-key",
        "dev",
        "cluster_defaults.node_pools.gpu.max_sise",
        setp("cluster_defaults.node_pools.gpu", {"max_sise": 2}),
    ),
    Case(
        "defaults-bad-value",
        "dev",
        "cluster_defaults.node_pools.workload.min_size",
        setp("cluster_defaults.node_pools.workload.min_size", -3),
    ),
    Case("defaults-name", "dev", "cluster_defaults.name", setp("cluster_defaults.name", "shared")),
    Case("defaults-region", "dev", "cluster_defaults.region", setp("cluster_defaults.region", "us-east-1")),
    Case(
        "defaults-bad-version",
        "dev",
        "cluster_defaults.kubernetes_version",
        setp("cluster_defaults.kubernetes_version", "latest"),
    ),
    Case("defaults-not-mapping", "dev", "cluster_defaults", setp("cluster_defaults", ["node_pools"])),
    Case(
        "defaults-pools-string",
        "dev",
        "cluster_defaults.node_pools",
        setp("cluster_defaults.node_pools", "big"),
    ),
    Case(
        "defaults-security-typo",
        "dev",
        "cluster_defaults.security.deletion_protect",
        setp("cluster_defaults.security.deletion_protect", False),
    ),
    Case(
        "defaults-ingress-hostname",
        "dev",
        "cluster_defaults.ingress_hostname",
        setp("cluster_defaults.ingress_hostname", "ingress.dev.mlops-platform.com"),
    ),
    # --- cross-field rules ---
    Case(
        "dup-cluster-name", "prod", "is already used by clusters", setp("clusters.[1].name", "aws-us-east-1")
    ),
    Case(
        "dup-cloud-region",
        "prod",
        "already in aws us-east-1",
        setp("clusters@aws-us-west-2.region", "us-east-1"),
    ),
    Case("unknown-region", "prod", "is not a known aws region", setp(f"{AWS1}.region", "us-east-9")),
    Case("region-other-cloud", "prod", "is a gcp region", setp(f"{AWS1}.region", "us-east4")),
    Case("region-other-jurisdiction", "prod", "lies in jurisdiction", setp(f"{AWS1}.jurisdiction", "eu")),
    Case("cidr-overlap", "prod", "overlaps", setp("clusters@aws-us-west-2.network.cidr", "10.10.0.0/16")),
    Case("cidr-too-small", "prod", "too small", setp(f"{AWS1}.network.cidr", "10.10.0.0/24")),
    Case("gke-no-pods-range", "prod", "GKE is VPC-native", delp(f"{GKE1}.network.pods_cidr")),
    Case("aks-no-services-range", "prod", "Azure CNI overlay", delp(f"{AKS1}.network.services_cidr")),
    Case(
        "min-over-max",
        "prod",
        "is larger than max_size",
        setp(f"{AWS1}.node_pools", {"workload": {"min_size": 60, "max_size": 10}}),
    ),
    Case(
        "desired-outside",
        "prod",
        "desired_size",
        setp(f"{AWS1}.node_pools", {"workload": {"desired_size": 80}}),
    ),
    Case(
        "gpu-pool-cpu-type",
        "prod",
        "not a GPU machine type",
        setp(f"{AWS1}.node_pools", {"gpu": {"instance_type": "m5.2xlarge"}}),
    ),
    Case(
        "gpu-taint-removed",
        "prod",
        "nvidia.com/gpu taint",
        setp(f"{AWS1}.node_pools", {"gpu": {"taints": []}}),
    ),
    Case(
        "public-no-reason",
        "prod",
        "public_endpoint_reason",
        setp(f"{AWS1}.security", {"public_endpoint": True, "authorized_cidrs": ["10.0.0.0/8"]}),
    ),
    Case(
        "deletion-protection-no-reason",
        "prod",
        "deletion_protection_reason",
        setp(f"{AWS1}.security", {"deletion_protection": False}),
    ),
    Case(
        "cloudwatch-retention",
        "prod",
        "CloudWatch Logs retention",
        setp(f"{AWS1}.security", {"audit_log_retention_days": 100}),
    ),
    Case(
        "kms-rotation-short", "prod", "AWS KMS rotates", setp(f"{AWS1}.security", {"key_rotation_days": 30})
    ),
    Case(
        "log-analytics-retention",
        "prod",
        "Log Analytics",
        setp(f"{AKS1}.security", {"audit_log_retention_days": 3000}),
    ),
    Case("gke-window-short", "prod", "GKE requires", setp(f"{GKE1}.maintenance", {"duration_hours": 8})),
    Case(
        "version-override", "prod", "differs from the environment", setp(f"{AWS1}.kubernetes_version", "1.33")
    ),
    Case(
        "cold-before-warm",
        "prod",
        "must be later than warm_after_days",
        setp("data_lake.tiers", {"cold_after_days": 40, "warm_after_days": 60}),
    ),
    Case(
        "replica-unknown-source",
        "prod",
        "is not the region of any cluster",
        setp("data_lake.replica_regions.us-east-2", "us-west-2"),
    ),
    Case(
        "replica-other-cloud",
        "prod",
        "replicas stay on the same cloud",
        setp("data_lake.replica_regions.us-east-1", "us-central1"),
    ),
    Case(
        "replica-same-region", "prod", "same region", setp("data_lake.replica_regions.us-east-1", "us-east-1")
    ),
    Case("amazon-asn-public", "prod", "aws_amazon_side_asn", setp("interconnect.aws_amazon_side_asn", 7224)),
    Case(
        "router-asn-azure-reserved", "prod", "reserved by Azure", setp("interconnect.routers.[0].asn", 65515)
    ),
    Case("router-asn-documentation", "prod", "is reserved (RFC", setp("interconnect.routers.[0].asn", 64500)),
    Case("router-asn-as-trans", "prod", "is reserved (RFC", setp("interconnect.routers.[1].asn", 23456)),
    Case(
        "asn-reused",
        "prod",
        "every BGP speaker needs its own ASN",
        setp("interconnect.routers.[2].asn", 64512),
    ),
    Case(
        "two-routers-one-zone",
        "prod",
        "already has a red router",
        setp("interconnect.routers.[1].diversity_zone", "red"),
    ),
    Case(
        "vxc-unknown-cluster",
        "prod",
        "is not a cluster of this environment",
        setp("interconnect.routers.[0].vxcs.[0].cluster", "aws-nowhere"),
    ),
    Case(
        "vxc-wrong-cloud",
        "prod",
        "runs on aws, not gcp",
        setp("interconnect.routers.[0].vxcs.[0].cloud", "gcp"),
    ),
    Case(
        "vxc-dup-vlan",
        "prod",
        "VLAN 101 is already used",
        setp("interconnect.routers.[0].vxcs.[1].vlan", 101),
    ),
    Case(
        "vxc-rate-over-port",
        "prod",
        "exceeds the router's port_speed_mbps",
        setp("interconnect.routers.[0].vxcs.[0].rate_limit_mbps", 20000),
    ),
    Case(
        "router-no-diverse-twin",
        "prod",
        "blue",
        delp("interconnect.routers.[1]"),
    ),
    Case(
        "link-cidr-overlap", "prod", "interconnect.link_cidr", setp("interconnect.link_cidr", "10.10.0.0/24")
    ),
    Case(
        "vpn-gcp-asn-public", "dev", "interconnect.gcp_router_asn", setp("interconnect.gcp_router_asn", 15169)
    ),
    Case(
        "vpn-azure-asn-public",
        "staging",
        "interconnect.azure_gateway_asn",
        setp("interconnect.azure_gateway_asn", 8075),
    ),
    Case(
        "vpn-asn-collision",
        "dev",
        "every BGP speaker needs its own ASN",
        setp("interconnect.gcp_router_asn", 64512),
    ),
    Case(
        "vpn-google-asn",
        "dev",
        "Google's Partner Interconnect ASN",
        setp("interconnect.gcp_router_asn", 16550),
    ),
    Case(
        "vpn-hub-unknown", "dev", "interconnect.hub_cluster", setp("interconnect.hub_cluster", "aws-nowhere")
    ),
    Case(
        "vpn-hub-gcp",
        "dev",
        "Cloud Router does not pass routes",
        setp("interconnect.hub_cluster", "gcp-us-central1"),
    ),
    Case(
        "vpn-inside-not-link-local",
        "dev",
        "is not link-local",
        setp("interconnect.bgp_inside_cidr", "10.99.0.0/24"),
    ),
    Case(
        "edge-fallback-unknown", "prod", "edge.fallback_cluster", setp("edge.fallback_cluster", "aws-nowhere")
    ),
    Case(
        "edge-residency-no-cluster",
        "prod",
        "no cluster lies in jurisdiction 'apac'",
        both(
            setp("edge.residency_hostnames", {"eu": "api.eu", "apac": "api.apac"}),
            delp("clusters.[5]"),
            delp("data_lake.replica_regions.asia-east1"),
        ),
    ),
    Case(
        "vault-binding-unknown-role",
        "prod",
        "is not a role in vault.roles",
        setp("vault.kubernetes_bindings", [{"namespace": "a", "service_account": "b", "role": "nobody"}]),
    ),
    # --- rules the constructs enforce ---
    Case(
        "public-endpoint-no-ranges",
        "prod",
        "no authorized_cidrs are listed",
        setp(f"{AWS1}.security", {"public_endpoint": True, "public_endpoint_reason": "demo"}),
    ),
    Case(
        "aks-public-no-ranges",
        "prod",
        "no authorized_cidrs are listed",
        setp(f"{AKS1}.security", {"public_endpoint": True, "public_endpoint_reason": "demo"}),
    ),
    Case("aks-system-spot", "prod", "cannot be Spot", setp(f"{AKS1}.node_pools", {"system": {"spot": True}})),
    Case(
        "aks-system-extra-taint",
        "prod",
        "only the CriticalAddonsOnly",
        setp(
            f"{AKS1}.node_pools",
            {
                "system": {
                    "taints": [{"key": "CriticalAddonsOnly", "value": "true"}, {"key": "team", "value": "a"}]
                }
            },
        ),
    ),
    Case("aws-one-zone", "prod", "at least two zones", setp(f"{AWS1}.zones", ["us-east-1a"])),
    Case(
        "dup-vault-role",
        "prod",
        "is already vault.roles",
        roles_only(
            [
                {"name": "reader", "vault_paths": VAULT_ROLE_PATHS},
                {"name": "reader", "vault_paths": VAULT_ROLE_PATHS},
            ]
        ),
    ),
    Case(
        "empty-capabilities",
        "prod",
        "has no capabilities",
        roles_only([{"name": "reader", "vault_paths": {"secret/data/x/*": []}}]),
    ),
    Case(
        "dup-binding",
        "prod",
        "bind each service account once",
        setp(
            "vault.kubernetes_bindings",
            [
                {"namespace": "a", "service_account": "b", "role": "admin"},
                {"namespace": "a", "service_account": "b", "role": "admin"},
            ],
        ),
    ),
    Case(
        "gcp-account-too-long",
        "staging",
        "at most 30",
        roles_only([{"name": "platform-reader-of-everything", "vault_paths": VAULT_ROLE_PATHS}]),
    ),
    Case(
        "pki-intermediate-outlives-root",
        "prod",
        "must expire before the root",
        setp("vault.pki_intermediate_ttl_days", 4000),
    ),
    Case(
        "dup-classification",
        "prod",
        "lists a classification twice",
        setp("data_lake.classifications", ["pii", "pii", "training"]),
    ),
    Case(
        "noncurrent-expire-early",
        "prod",
        "noncurrent_expire_after_days",
        setp("data_lake.tiers", {"noncurrent_expire_after_days": 10}),
    ),
    Case(
        "hostname-clash-api",
        "prod",
        "edge.api_hostname",
        setp(f"{AWS1}.ingress_hostname", "api.mlops-platform.com"),
    ),
    Case(
        "hostname-clash-clusters",
        "prod",
        "give each cluster its own ingress hostname",
        both(
            setp(f"{AWS1}.ingress_hostname", "ingress.mlops-platform.com"),
            setp("clusters@aws-us-west-2.ingress_hostname", "ingress.mlops-platform.com"),
        ),
    ),
    Case(
        "binding-login-name-clash",
        "prod",
        "is also the one of",
        setp(
            "vault.kubernetes_bindings",
            [
                {"namespace": "ml-a", "service_account": "b", "role": "admin"},
                {"namespace": "ml", "service_account": "a-b", "role": "admin"},
            ],
        ),
    ),
    Case("cloud-as-list", "prod", "clusters[0 aws-us-east-1].cloud", setp(f"{AWS1}.cloud", ["aws"])),
    Case(
        "bool-as-size",
        "prod",
        "node_pools.workload.max_size",
        setp(f"{AWS1}.node_pools", {"workload": {"max_size": True}}),
    ),
    Case(
        "bool-as-asn",
        "prod",
        "interconnect.routers[0 mcr-us-red].asn",
        setp("interconnect.routers.[0].asn", True),
    ),
    # --- safe ranges ---
    Case(
        "authorized-world",
        "prod",
        "authorizes the whole internet",
        setp(f"{AWS1}.security", {"authorized_cidrs": ["0.0.0.0/0"]}),
    ),
    Case(
        "authorized-half-internet",
        "prod",
        "public range wider than a /16",
        setp(f"{AWS1}.security", {"authorized_cidrs": ["64.0.0.0/2"]}),
    ),
    Case(
        "authorized-public-wide",
        "prod",
        "public range wider than a /16",
        setp(f"{AKS1}.security", {"authorized_cidrs": ["52.0.0.0/12"]}),
    ),
    Case(
        "public-cluster-cidr",
        "prod",
        "is not private address space",
        setp(f"{AWS1}.network.cidr", "8.8.0.0/16"),
    ),
    Case(
        "public-pods-range",
        "prod",
        "is not private address space",
        setp(f"{GKE1}.network.pods_cidr", "34.0.0.0/14"),
    ),
    Case(
        "pods-too-small", "prod", "each node takes a /24", setp(f"{GKE1}.network.pods_cidr", "10.128.0.0/22")
    ),
    Case(
        "services-too-small",
        "prod",
        "too few ClusterIPs",
        setp(f"{GKE1}.network.services_cidr", "10.140.0.0/28"),
    ),
    # --- cloud tables ---
    Case("version-no-cloud-offers", "prod", "is not a Kubernetes minor", setp("kubernetes_version", "1.19")),
    Case("version-future", "dev", "is not a Kubernetes minor", setp("kubernetes_version", "1.99")),
    Case(
        "instance-type-other-cloud",
        "prod",
        "is not a gcp machine type",
        setp(f"{GKE1}.node_pools.workload", {"instance_type": "m5.2xlarge"}),
    ),
    Case(
        "instance-type-azure-on-aws",
        "prod",
        "is not a aws machine type",
        setp(f"{AWS1}.node_pools", {"system": {"instance_type": "Standard_D4s_v5"}}),
    ),
    Case(
        "instance-type-made-up",
        "prod",
        "is not a azure machine type",
        setp(f"{AKS1}.node_pools", {"workload": {"instance_type": "Huge_VM"}}),
    ),
    Case(
        "batch-type-other-cloud",
        "prod",
        "node_pools.batch.instance_type",
        setp(f"{GKE1}.node_pools.batch", {"instance_type": "Standard_D8s_v3"}),
    ),
    Case(
        "zone-other-region",
        "prod",
        "is not a zone of aws region us-east-1",
        setp(f"{AWS1}.zones", ["us-west-2a", "us-west-2b"]),
    ),
    Case(
        "zone-gcp-other-region",
        "prod",
        "is not a zone of gcp region us-central1",
        setp(f"{GKE1}.zones", ["europe-west1-b"]),
    ),
    Case(
        "zone-azure-bad", "prod", "is not a zone of azure region eastus", setp(f"{AKS1}.zones", ["eastus-1"])
    ),
    # --- secrets ---
    Case(
        "secret-aws-key-in-tag",
        "prod",
        "looks like an AWS access key id",
        setp("tags.note", "AKIAIOSFODNN7EXAMPLE"),
    ),
    Case(
        "secret-url-userinfo",
        "prod",
        "looks like a URL with user info",
        setp("vault.address", "https://admin:hunter22@vault.mlops-platform.com:8200"),
    ),
    Case(
        "secret-password-in-reason",
        "prod",
        "looks like a password=value pair",
        setp(
            f"{AWS1}.security",
            {"deletion_protection": False, "deletion_protection_reason": "test only, password=Sup3rSecret!"},
        ),
    ),
    Case(
        "secret-pem-in-role-description",
        "prod",
        "looks like a PEM key block",
        roles_only(
            [
                {
                    "name": "reader",
                    "vault_paths": VAULT_ROLE_PATHS,
                    "description": "-----BEGIN RSA PRIVATE KEY-----MIIEow",
                }
            ]
        ),
    ),
    Case(
        "secret-github-token",
        "prod",
        "looks like a GitHub token",
        setp("clusters@aws-us-west-2.role", "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"),
    ),
    Case("secret-named-tag-key", "prod", "named like a credential", setp("tags.api_token", "abc")),
    Case(
        "secret-vault-token",
        "dev",
        "looks like a Vault token",
        setp("vault.pki_domain", "hvs.CAESIJ1aBcDeFgHiJkLmNoPqRsTuVwXyZ0123"),
    ),
    Case(
        "secret-google-api-key",
        "staging",
        "looks like a Google API key",
        setp("edge.api_hostname", "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"),
    ),
]


# libyaml when PyYAML has it (it parses and writes these files ~40x faster than the pure-Python
# classes and, checked on every case, writes the same bytes); the pure-Python ones otherwise.
# Either way the test compares what this writes with the files on disk, so a difference between
# the two would show as stale files, never pass unseen.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@functools.cache
def _shipped(env: str) -> tuple[bytes, Any]:
    """A shipped environment file, raw and parsed once (each case edits a deep copy)."""
    raw = (ENV_DIR / f"{env}.yaml").read_bytes()
    return raw, yaml.load(raw, Loader=_LOADER)


def render(case: Case) -> bytes:
    raw, parsed = _shipped(case.env)
    if case.mode == "bytes":
        return case.edit(raw)
    if case.mode == "text":
        return case.edit(raw.decode("utf-8")).encode("utf-8")
    data = copy.deepcopy(parsed)
    case.edit(data)
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True).encode("utf-8")


def files() -> dict[Path, bytes]:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return {OUT / case.id / f"{case.env}.yaml": render(case) for case in CASES}


def main(argv: list[str]) -> int:
    wanted = files()
    if "--check" in argv:
        stale = [p for p, b in wanted.items() if not p.exists() or p.read_bytes() != b]
        extra = [p for p in OUT.glob("*/*.yaml") if p not in wanted]
        for p in stale + extra:
            print(
                f"{p.relative_to(ROOT)}: stale; run .venv/bin/python tests/corpus/generate.py",
                file=sys.stderr,
            )
        return 1 if stale or extra else 0
    import shutil

    shutil.rmtree(OUT, ignore_errors=True)
    for path, content in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    print(f"wrote {len(wanted)} files under {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
