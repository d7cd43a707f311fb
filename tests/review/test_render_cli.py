"""The page a person reads, partial synths, refused directories and real plan JSON, on the real plan."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from review.cli import EXIT_ATTENTION, EXIT_ERROR, EXIT_OK, main
from review.render import COMMENT_LIMIT, Section, render
from tests.review.conftest import res, write_out

REPO_ROOT = Path(__file__).resolve().parents[2]


def _prod_wide_change(docs):
    """A careless prod-wide change: force_destroy on every bucket, a label on everything."""
    for sid, doc in docs.items():
        if not sid.startswith("prod-"):
            continue
        for rtype, named in doc.get("resource", {}).items():
            for cfg in named.values():
                if rtype in ("aws_s3_bucket", "google_storage_bucket"):
                    cfg["force_destroy"] = True
                for container in ("tags", "labels"):
                    if isinstance(cfg.get(container), dict):
                        cfg[container]["owner"] = "platform-team-with-a-rather-long-name"


def test_prod_wide_change_renders_under_the_comment_limit_with_the_summary_first(
    head_docs, review_of, tmp_path
):
    _prod_wide_change(head_docs)
    review = review_of(head_docs)

    comment = render(review.stacks, review.items, base_label="b", head_label="h", limit=COMMENT_LIMIT)
    full = render(review.stacks, review.items, base_label="b", head_label="h")

    assert len(comment) < 60_000 < len(full)
    assert comment.index("| Stack | Plan | Attention |") < comment.index("## Needs attention")
    assert "`review-full.md` artifact" in comment
    # one row per rule and stack, with the count: 10 buckets in the AWS eu data lake
    row = next(
        line
        for line in comment.splitlines()
        if line.startswith("| `prod-aws-eu-west-1-datalake` | data protection | force_destroy")
    )
    assert "| possible data loss | 10 |" in row and "+7 more" in row
    # prod first: no staging or dev stack in this change, and prod rows come before the details
    assert "`staging-" not in comment and "`dev-" not in comment


def test_rows_and_sections_are_ordered_prod_staging_dev(head_docs, review_of):
    for sid in (
        "dev-gcp-us-central1-cluster",
        "staging-gcp-us-central1-cluster",
        "prod-gcp-us-central1-cluster",
    ):
        res(head_docs, sid, "google_container_cluster")["min_master_version"] = "1.31"
    review = review_of(head_docs)

    page = render(review.stacks, review.items, base_label="b", head_label="h")

    first = [page.index(f"`{e}-gcp-us-central1-cluster`") for e in ("prod", "staging", "dev")]
    assert first == sorted(first)
    sections = [page.index(f"## Environment `{e}`") for e in ("prod", "staging", "dev")]
    assert sections == sorted(sections)
    assert "Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy." in page


def test_long_values_are_never_cut(head_docs, review_of):
    admin = res(head_docs, "prod-global-vault", "vault_policy", "policy_admin_policy")
    admin["policy"] += (
        'path "auth/*" {\n  capabilities = ["create", "read", "update", "delete", "list", "sudo"]\n}\n'
    )
    review = review_of(head_docs)

    page = render(review.stacks, review.items, base_label="b", head_label="h")

    assert '"create", "read", "update", "delete", "list", "sudo"' in page.replace('\\"', '"')
    assert "…" not in page


def test_extra_sections_render_folded_after_the_attention_table(head_docs, review_of):
    review = review_of(head_docs)
    page = render(
        review.stacks,
        review.items,
        base_label="b",
        head_label="h",
        extra_sections=[Section("Cost delta", "| stack | $ |\n|---|---|")],
    )
    assert "<details><summary><b>Cost delta</b></summary>" in page
    assert page.index("## Needs attention") < page.index("Cost delta")


def test_partial_synth_compares_only_that_environment(real_docs, synth_dir, tmp_path, capsys):
    prod_only = write_out(
        tmp_path / "prod.out", {s: d for s, d in real_docs.items() if s.startswith("prod-")}
    )

    code = main(
        [
            "--base-out",
            str(synth_dir),
            "--head-out",
            str(prod_only),
            "--output",
            str(tmp_path / "r.md"),
            "--full-output",
            str(tmp_path / "f.md"),
        ]
    )

    page = (tmp_path / "r.md").read_text()
    assert code == EXIT_OK
    assert "partial synth: compared prod only (dev, staging not synthesized, not compared)" in page
    prod_stacks = len([p for p in (synth_dir / "stacks").iterdir() if p.name.startswith("prod-")])
    assert prod_stacks >= 19
    assert "removed" not in page and f"0 stacks changed, {prod_stacks} unchanged" in page


@pytest.mark.parametrize("kind", ["one stack folder", "not a synth output", "missing"])
def test_directories_that_are_not_synth_outputs_are_refused(kind, synth_dir, tmp_path, capsys):
    if kind == "one stack folder":
        bad = synth_dir / "stacks" / "prod-global-edge"
        expected = "ONE stack's folder"
    elif kind == "not a synth output":
        bad = tmp_path / "stuff"
        (bad / "stacks" / "x").mkdir(parents=True)
        expected = "holds no <stack-id>/cdk.tf.json"
    else:
        bad = tmp_path / "nope"
        expected = "no such directory"

    code = main(["--base-out", str(bad), "--head-out", str(synth_dir), "--output", "-"])

    assert code == EXIT_ERROR
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_fail_on_attention_exits_1_only_with_findings(real_docs, head_docs, synth_dir, tmp_path):
    res(head_docs, "prod-gcp-europe-west1-cluster", "google_container_cluster")["deletion_protection"] = False
    head = write_out(tmp_path / "head", head_docs)
    args = [
        "--base-out",
        str(synth_dir),
        "--output",
        str(tmp_path / "r.md"),
        "--full-output",
        str(tmp_path / "f.md"),
        "--fail-on-attention",
    ]
    assert main([*args, "--head-out", str(head)]) == EXIT_ATTENTION
    assert main([*args, "--head-out", str(synth_dir)]) == EXIT_OK


# --- real plans (terraform show -json) ---------------------------------------------------------


def _plan(stack_cfg: dict, changes: list[tuple[str, str, list[str], dict | None, dict | None]]) -> dict:
    """A plan JSON shaped like `terraform show -json` (format_version 1.2, resource_changes)."""
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {}},
        "resource_changes": [
            {
                "address": address,
                "mode": "managed",
                "type": rtype,
                "name": address.split(".", 1)[1],
                "provider_name": f"registry.terraform.io/hashicorp/{rtype.split('_')[0]}",
                "change": {
                    "actions": actions,
                    "before": before,
                    "after": after,
                    "after_unknown": {},
                    "before_sensitive": False,
                    "after_sensitive": False,
                    **({"replace_paths": [["name"]]} if len(actions) == 2 else {}),
                },
                **({"action_reason": "replace_because_cannot_update"} if len(actions) == 2 else {}),
            }
            for address, rtype, actions, before, after in changes
        ],
    }


def test_plan_dir_renders_exact_counts_and_runs_the_rules(real_docs, tmp_path):
    gke = real_docs["prod-gcp-europe-west1-cluster"]["resource"]
    cluster = {k: v for k, v in next(iter(gke["google_container_cluster"].values())).items() if k != "//"}
    network = {k: v for k, v in gke["google_compute_network"]["network_vpc"].items() if k != "//"}
    pool = {k: v for k, v in gke["google_container_node_pool"]["gke_gpu_pool"].items() if k != "//"}
    changes = [
        (
            "google_container_cluster.gke_cluster",
            "google_container_cluster",
            ["update"],
            cluster,
            {**cluster, "deletion_protection": False},
        ),
        (
            "google_compute_network.network_vpc",
            "google_compute_network",
            ["delete", "create"],
            network,
            {**network, "name": "vpc-2"},
        ),
        ("google_container_node_pool.gke_gpu_pool", "google_container_node_pool", ["delete"], pool, None),
        ("google_container_node_pool.gke_new_pool", "google_container_node_pool", ["create"], None, pool),
        ("google_compute_subnetwork.network_nodes", "google_compute_subnetwork", ["no-op"], {}, {}),
    ]
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "prod-gcp-europe-west1-cluster.json").write_text(json.dumps(_plan({}, changes)))
    (plans / "dev-global-edge.json").write_text(json.dumps(_plan({}, [])))

    code = main(
        [
            "--plan-dir",
            str(plans),
            "--output",
            str(tmp_path / "r.md"),
            "--full-output",
            str(tmp_path / "f.md"),
        ]
    )

    page = (tmp_path / "r.md").read_text()
    assert code == EXIT_OK
    assert "Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy." in page
    assert "deletion protection turned off" in page
    assert "`name` (replace_paths)" in page
    assert "1 stack changed, 1 unchanged" in page


def test_plan_dir_refuses_files_that_are_not_plan_json(tmp_path, capsys):
    (tmp_path / "prod-global-edge.json").write_text(json.dumps({"resource": {}}))
    assert main(["--plan-dir", str(tmp_path), "--output", "-"]) == EXIT_ERROR
    assert "not `terraform show -json` output" in capsys.readouterr().err


def test_python_dash_m_review_runs_without_jsii(synth_dir):
    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "review",
            "--base-out",
            str(synth_dir),
            "--head-out",
            str(synth_dir),
            "--output",
            "-",
            "--full-output",
            "-",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == EXIT_OK, result.stderr
    assert "No differences" in result.stdout
    assert "jsii" not in result.stderr
