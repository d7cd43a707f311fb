"""The topology pictures, checked against the REAL synthesized plan (tests/conftest.py `synth_dir`).

Expected values come from literals (the design's eight clusters, twelve VXCs, the EU hostname's
three EU pools) or straight from the plan's JSON, read here by this test's own means (names and
tags), never from diagram/'s reading of it.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from diagram.__main__ import main as diagram_main
from diagram.mermaid import render
from diagram.topology import read_topology
from review.cli import main as review_main
from review.plan import load_output_dir
from tests.diagram.mermaid_reader import mermaid_blocks, read
from tests.review.conftest import write_out

REPO = Path(__file__).resolve().parents[2]
CLOUD_TITLES = {
    "aws_eks_cluster": "AWS",
    "google_container_cluster": "Google Cloud",
    "azurerm_kubernetes_cluster": "Azure",
}
# The design's eight clusters.
DESIGN_CLUSTERS = (
    "aws-us-east-1",
    "aws-us-west-2",
    "aws-eu-west-1",
    "gcp-us-central1",
    "gcp-europe-west1",
    "gcp-asia-east1",
    "azure-eastus",
    "azure-westeurope",
)
REF = re.compile(r"\$\{(?:data\.)?(\w+)\.(\w+)")


@pytest.fixture(scope="module")
def plans(synth_dir):
    return load_output_dir(synth_dir)


def picture(plans, env):
    return read(render(read_topology(env, plans)))


def _resources(docs, env, rtype):
    return [
        (sid, name, conf)
        for sid, doc in docs.items()
        if sid.startswith(f"{env}-")
        for name, conf in doc.get("resource", {}).get(rtype, {}).items()
    ]


def _ref(value):
    m = REF.search(value)
    return (m[1], m[2]) if m else None


@pytest.mark.parametrize("env, expected", [("prod", 8), ("staging", 8), ("dev", 3)])
def test_every_cluster_is_drawn_in_its_jurisdiction_and_cloud(synthesized, plans, env, expected):
    pic = picture(plans, env)
    clusters = [c for t in CLOUD_TITLES for c in _resources(synthesized, env, t)]
    assert len(clusters) == expected  # the design: 8 clusters in prod and staging, 3 in dev
    for rtype in CLOUD_TITLES:
        for _, _, conf in _resources(synthesized, env, rtype):
            tags = conf.get("tags") or conf.get("resource_labels")
            node = pic.cluster(conf["name"])
            assert pic.groups[node] == [f"jurisdiction {tags['jurisdiction']}", CLOUD_TITLES[rtype]]


def test_every_prod_vxc_joins_its_router_and_cluster_with_zone_and_speed(synthesized, plans):
    """Each megaport_vxc is one thick line from the MCR its A-end references to the cluster of
    its tag, labelled with the diversity zone of the partner port it uses (Azure: the
    ExpressRoute port), its rate limit and the port's location, read here from the plan."""
    pic = picture(plans, "prod")
    doc = synthesized["prod-global-interconnect"]
    vxcs = doc["resource"]["megaport_vxc"]
    mcrs = doc["resource"]["megaport_mcr"]
    # issue #17: two routers (red, blue) per jurisdiction; each cloud end reached from both
    assert len(mcrs) == 4 and len(vxcs) == 20
    expected: dict[tuple[str, str, str], list[str]] = {}
    for conf in vxcs.values():
        mcr = mcrs[_ref(conf["a_end"]["requested_product_uid"])[1]]
        port = _ref(conf["b_end"].get("requested_product_uid", ""))
        if port:
            partner = doc["data"]["megaport_partner"][port[1]]
            zone, where = partner["diversity_zone"], f"loc {partner['location_id']}"
            assert zone == mcr["diversity_zone"]  # the red router uses red ports only
        else:
            zone, where = conf["b_end_partner_config"]["azure_config"]["port_choice"] + " port", ""
            assert zone == {"red": "primary port", "blue": "secondary port"}[mcr["diversity_zone"]]
        speed = f"{conf['rate_limit'] // 1000} Gbps"
        router = pic.node(f"MCR {mcr['product_name']}<br/>")
        cluster = pic.cluster(f"prod-{conf['resource_tags']['cluster']}")
        expected.setdefault((router, cluster, zone), []).append(f"{speed}|{where}")
    for (router, cluster, zone), wanted in expected.items():
        lines = [
            e[2] for e in pic.edges_between(router, cluster) if e[1] == "===" and f"VXC {zone} ·" in e[2]
        ]
        drawn = sorted(
            next(w for w in wanted if w.split("|")[0] in line and w.split("|")[1] in line) for line in lines
        )
        assert drawn == sorted(wanted), (router, cluster, zone)
    assert sum(1 for e in pic.edges if e[1] == "===") == 20


@pytest.mark.parametrize("env", ["dev", "staging"])
def test_every_vpn_tunnel_pair_is_a_line_between_its_clusters(synthesized, plans, env):
    """Pairs read from the tunnels' own names (`<env>-aws-us-east-1--gcp-us-central1`,
    `<env>-gcp-us-central1-vpn-aws-us-east-1-0`), not from the references diagram/ follows."""
    pic = picture(plans, env)
    cluster = "|".join(DESIGN_CLUSTERS)
    pairs = set()
    for rtype, field in (
        ("aws_vpn_connection", None),
        ("google_compute_vpn_tunnel", "name"),
        ("azurerm_virtual_network_gateway_connection", "name"),
    ):
        for _, _, conf in _resources(synthesized, env, rtype):
            name = conf["tags"]["Name"] if field is None else conf[field]
            found = re.findall(cluster, name)
            assert len(found) == 2, name
            pairs.add(frozenset(found))
    if env == "dev":  # the dev mesh of the design: three clusters, three links
        assert pairs == {
            frozenset({"aws-us-east-1", "gcp-us-central1"}),
            frozenset({"aws-us-east-1", "azure-eastus"}),
            frozenset({"gcp-us-central1", "azure-eastus"}),
        }
    for pair in pairs:
        a, b = sorted(pair)
        na, nb = pic.cluster(f"{env}-{a}"), pic.cluster(f"{env}-{b}")
        lines = pic.edges_between(na, nb) + pic.edges_between(nb, na)
        assert len(lines) == 1 and lines[0][1] == "-.-" and "2 tunnels" in lines[0][2], pair
    assert sum(1 for e in pic.edges if e[1] == "-.-") == len(pairs)


@pytest.mark.parametrize("env", ["prod", "staging", "dev"])
def test_every_lb_pool_and_fallback_is_drawn(synthesized, plans, env):
    pic = picture(plans, env)
    (doc,) = [d for sid, d in synthesized.items() if sid == f"{env}-global-edge"]
    pools = doc["resource"]["cloudflare_load_balancer_pool"]
    for lb in doc["resource"]["cloudflare_load_balancer"].values():
        node = pic.node(f"LB {lb['name']}<br/>")
        targets = {d: (arrow, label) for _, arrow, label, d in pic.edges_from(node) if arrow == "-->"}
        expected = {pools[_ref(r)[1]]["name"] for r in lb["default_pools"]}
        assert {pic.labels[d].split("<br/>")[0].removeprefix("pool ") for d in targets} == expected
        fallback = pic.node(f"pool {pools[_ref(lb['fallback_pool'])[1]]['name']}<br/>")
        assert [e for e in pic.edges_between(node, fallback) if e[1] == "-.->" and e[2] == "fallback"]
    for conf in pools.values():  # each pool leads to the cluster of its name
        pool = pic.node(f"pool {conf['name']}<br/>")
        assert pic.edges_between(pool, pic.cluster(conf["name"]))


def test_the_eu_hostname_draws_only_eu_pools(plans):
    pic = picture(plans, "prod")
    lb = pic.node("LB api.eu.mlops-platform.com<br/>")
    assert "only eu" in pic.labels[lb]
    targets = {pic.labels[d].split("<br/>")[0] for _, _, _, d in pic.edges_from(lb)}
    assert targets == {"pool prod-aws-eu-west-1", "pool prod-gcp-europe-west1", "pool prod-azure-westeurope"}
    assert not any("⚠" in label for _, _, label, _ in pic.edges_from(lb))


def test_a_us_pool_on_the_eu_hostname_is_drawn_as_a_violation(real_docs, tmp_path):
    docs = copy.deepcopy(real_docs)
    lb = docs["prod-global-edge"]["resource"]["cloudflare_load_balancer"]["lb_api_eu_lb"]
    lb["default_pools"].append("${cloudflare_load_balancer_pool.pool_aws_us_east_1_pool.id}")
    pic = read(render(read_topology("prod", load_output_dir(write_out(tmp_path / "out", docs)))))
    node = pic.node("LB api.eu.mlops-platform.com<br/>")
    bad = [
        (i, label)
        for i, _, label, d in pic.edges_from(node)
        if pic.labels[d].startswith("pool prod-aws-us-east-1")
    ]
    assert len(bad) == 1 and "⚠ outside eu" in bad[0][1]
    assert "#cf222e" in pic.link_styles[bad[0][0]]


def test_data_lakes_show_their_classifications_and_where_they_replicate(synthesized, plans):
    pic = picture(plans, "prod")
    doc = synthesized["prod-aws-eu-west-1-datalake"]
    lake = pic.node("data lake aws eu-west-1<br/>")
    assert "pii" in pic.labels[lake] and "models-gdpr" in pic.labels[lake]
    dests = {}
    for rule_owner in doc["resource"]["aws_s3_bucket_replication_configuration"].values():
        for rule in rule_owner["rule"]:
            dests.setdefault(rule["id"].rsplit("-to-", 1)[1], set()).add(rule["id"].rsplit("-to-", 1)[0])
    assert dests == {"eu-central-1": {"models", "models-gdpr", "training"}}  # PII never replicates
    (line,) = [e for e in pic.edges_from(lake) if e[1] == "==>"]
    assert pic.labels[line[3]] == "replicas aws eu-central-1"
    assert line[2] == "models, models-gdpr, training"


def test_readme_and_docs_pictures_are_current(synth_dir):
    """`make diagram` output is committed: rerun it when this fails."""
    code = diagram_main(
        [
            "--out",
            str(synth_dir),
            "--docs",
            str(REPO / "docs/diagrams"),
            "--readme",
            str(REPO / "README.md"),
            "--check",
        ]
    )
    assert code == 0, "docs/diagrams or the README topology are stale: run `make diagram`"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (block,) = mermaid_blocks(
        readme.split("<!-- topology:begin -->", 1)[1].split("<!-- topology:end -->", 1)[0]
    )
    assert "prod-mcr-eu" in block and "api.eu.mlops-platform.com" in block


def test_review_highlights_a_removed_pool_an_added_vxc_and_a_replaced_cluster(real_docs, synth_dir, tmp_path):
    docs = copy.deepcopy(real_docs)
    edge = docs["prod-global-edge"]["resource"]
    del edge["cloudflare_load_balancer_pool"]["pool_azure_westeurope_pool"]
    gone = "${cloudflare_load_balancer_pool.pool_azure_westeurope_pool.id}"
    for lb in edge["cloudflare_load_balancer"].values():
        lb["default_pools"].remove(gone)
        for region in lb["region_pools"].values():
            if gone in region:
                region.remove(gone)
    interconnect = docs["prod-global-interconnect"]
    vxcs = interconnect["resource"]["megaport_vxc"]
    model = next(v for v in vxcs.values() if v["resource_tags"]["cluster"] == "aws-eu-west-1")
    mcr = interconnect["resource"]["megaport_mcr"][_ref(model["a_end"]["requested_product_uid"])[1]]
    router_ref = model["a_end"]["requested_product_uid"]
    siblings = sum(
        1
        for v in vxcs.values()
        if v["a_end"]["requested_product_uid"] == router_ref and v["resource_tags"] == model["resource_tags"]
    )
    assert siblings == 2  # issue #17: two partner ports (locations) per router and AWS region
    green = copy.deepcopy(model)
    green["product_name"] = "prod-mcr-eu-aws-eu-west-1-green"
    green["rate_limit"] = 2000
    vxcs["vxc_eu_aws_green"] = green
    docs["prod-gcp-asia-east1-cluster"]["resource"]["google_container_cluster"]["gke_cluster"]["name"] = (
        "prod-gcp-asia-east1-b"
    )
    head = write_out(tmp_path / "head", docs)
    out = tmp_path / "review.md"
    assert (
        review_main(
            [
                "--base-out",
                str(synth_dir),
                "--head-out",
                str(head),
                "--output",
                str(out),
                "--full-output",
                "-",
            ]
        )
        == 0
    )
    page = out.read_text(encoding="utf-8")
    assert len(page) < 60_000
    section = page.split("<b>Topology", 1)[1]
    assert section.index("</details>") > section.index("```mermaid")  # folded
    assert page.index("## Needs attention") < page.index("<b>Topology")
    (block,) = mermaid_blocks(section.split("</details>", 1)[0])
    pic = read(block)

    pool = pic.node("pool prod-azure-westeurope<br/>")
    assert pic.labels[pool].startswith("<b>removed</b>") and pic.classes[pool] == "removed"
    removed = [(i, label) for i, (src, _, label, dst) in enumerate(pic.edges) if pool in (src, dst)]
    assert len(removed) == 3  # from both load balancers, and to its cluster
    for i, label in removed:
        assert label.startswith("removed") and "dasharray" in pic.link_styles[i]

    router, cluster = pic.node(f"MCR {mcr['product_name']}<br/>"), pic.cluster("prod-aws-eu-west-1")
    added = [
        (i, label) for i, arrow, label in pic.edges_between(router, cluster) if label.startswith("added")
    ]
    assert len(added) == 1 and "2 Gbps" in added[0][1] and "#1a7f37" in pic.link_styles[added[0][0]]
    unchanged = [i for i, _, label in pic.edges_between(router, cluster) if not label.startswith("added")]
    assert len(unchanged) == siblings and not any(i in pic.link_styles for i in unchanged)

    gke = pic.cluster("prod-gcp-asia-east1-b")
    assert pic.classes[gke] == "replaced" and pic.labels[gke].startswith("<b>replaced</b>")
    assert "prod-aws-us-east-1<br/>" in block and pic.cluster("prod-aws-us-east-1") not in pic.classes
    assert "`staging-" not in page.split("<b>Topology", 1)[1].split("</details>", 1)[0]


def test_real_plan_json_gets_a_note_not_a_wrong_picture():
    from diagram.review_section import topology_body
    from review.diff import StackDiff

    stacks = (StackDiff("prod-global-edge", "changed", None, None, (), planned={}),)
    assert "No topology picture" in topology_body(stacks)


def test_the_section_keeps_its_budget(real_docs, base_plans):
    from diagram.review_section import topology_body
    from review.diff import diff_plans
    from tests.review.conftest import to_plans

    docs = copy.deepcopy(real_docs)
    for env in ("prod", "staging", "dev"):
        docs[f"{env}-global-edge"]["resource"]["cloudflare_load_balancer"]["lb_api_lb"]["steering_policy"] = (
            "random"
        )
    stacks = diff_plans(base_plans, to_plans(docs))
    whole = topology_body(stacks)
    assert whole.count("```mermaid") == 3 and len(whole) <= 20_000 + 500
    focused = topology_body(stacks, budget=6_000)  # three whole pictures do not fit: focused ones do
    assert focused.count("```mermaid") == 3 and len(focused) <= 6_000 + 500
    prod = focused.split("**prod**", 1)[1].split("**staging**", 1)[0]
    assert "only the changed elements" in prod
    assert "lb_api_mlops_platform_com" in prod and "cluster_aws_us_east_1" not in prod  # not next to a change
    tiny = topology_body(stacks, budget=300)
    assert tiny.count("```mermaid") == 0 and tiny.count("picture left out") == 3
