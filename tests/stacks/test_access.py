"""Day-2 access and shared state (issue #18), asserted on the session's one synthesized plan.

Expected values are literals from the issue and the providers' documentation (the GitHub OIDC
issuer and subject format, the EKS access policy names, the AKS built-in role names, the IAP
forwarding range) or read from the environment files as plain YAML, never from the code under
test. Every rule that scans the plan is also run on a mutated copy of the real plan to prove it
can fail.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import resources

REPO = Path(__file__).resolve().parents[2]
RAW = {p.stem: yaml.safe_load(p.read_text()) for p in sorted((REPO / "environments").glob("*.yaml"))}
REPOSITORY = "mcai/ai-platform-infra"  # ci.repository in every environment file
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
# docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
EKS_POLICY = {
    "admin": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    "edit": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
    "view": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
}
# learn.microsoft.com/en-us/azure/aks/manage-azure-rbac (built-in roles)
AKS_ROLE = {
    "admin": "Azure Kubernetes Service RBAC Cluster Admin",
    "edit": "Azure Kubernetes Service RBAC Writer",
    "view": "Azure Kubernetes Service RBAC Reader",
}
# cloud.google.com/kubernetes-engine/docs/how-to/iam (predefined roles)
GKE_ROLE = {
    "admin": "roles/container.admin",
    "edit": "roles/container.developer",
    "view": "roles/container.viewer",
}


def clusters(env: str) -> list[dict]:
    return RAW[env]["clusters"]


def access_stack(synthesized, env: str, c: dict) -> dict:
    sid = f"{env}-{c['cloud']}-{c['region']}-access"
    assert sid in synthesized, f"no access stack {sid}"
    return synthesized[sid]


def resolve_output(synthesized, ref: str):
    """`${data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<name>}` ->
    the producing stack and the value of that output there."""
    m = re.fullmatch(
        r"\$\{data\.terraform_remote_state\.cross-stack-reference-input-([\w-]+)\.outputs\.([\w-]+)\}", ref
    )
    assert m, f"not a cross-stack reference: {ref}"
    stack = synthesized[m.group(1)]
    return stack, stack["output"][m.group(2)]["value"]


def resource_at(stack: dict, ref: str) -> dict:
    m = re.fullmatch(r"\$\{(\w+)\.(\w+)\.\w+\}", ref)
    assert m, ref
    return resources(stack, m.group(1))[m.group(2)]


# ---- 1. remote state -------------------------------------------------------------------------
def test_staging_and_prod_stacks_use_s3_state_with_lock_file_and_dev_stays_local(synthesized):
    expected = {
        "staging": ("mcai-staging-tfstate-210987654321", "us-east-1"),
        "prod": ("mcai-prod-tfstate-123456789012", "us-east-1"),
    }
    for sid, stack in synthesized.items():
        env = sid.split("-")[0]
        backend = stack["terraform"]["backend"]
        if env == "dev" or sid.endswith("-global-state"):
            assert list(backend) == ["local"], sid
            continue
        s3 = backend["s3"]
        assert (s3["bucket"], s3["region"]) == expected[env], sid
        assert s3["key"] == f"cdktf/{sid}.tfstate"
        assert s3["encrypt"] is True and s3["use_lockfile"] is True, sid


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_the_state_stack_declares_the_backend_bucket_encrypted_versioned_and_private(synthesized, env):
    stack = synthesized[f"{env}-global-state"]
    # the state bucket and (issue 16) its access-log bucket, tests/stacks/test_policy_followups.py
    assert set(resources(stack, "aws_s3_bucket")) == {"s3_bucket", "s3_log_bucket"}
    bucket = resources(stack, "aws_s3_bucket")["s3_bucket"]
    assert bucket["bucket"] == RAW[env]["backend"]["bucket"]
    assert bucket["lifecycle"]["prevent_destroy"] is True
    versioning = resources(stack, "aws_s3_bucket_versioning")["s3_versioning"]
    assert versioning["bucket"] == "${aws_s3_bucket.s3_bucket.id}"
    assert versioning["versioning_configuration"]["status"] == "Enabled"
    sse = resources(stack, "aws_s3_bucket_server_side_encryption_configuration")["s3_encryption"]
    assert sse["bucket"] == "${aws_s3_bucket.s3_bucket.id}"
    assert sse["rule"][0]["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    blocks = resources(stack, "aws_s3_bucket_public_access_block").values()
    assert len(blocks) == 2  # one per bucket
    for block in blocks:
        for key in (
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ):
            assert block[key] is True
    (key,) = resources(stack, "aws_kms_key").values()
    assert key["enable_key_rotation"] is True
    assert stack["provider"]["aws"][0]["region"] == RAW[env]["backend"]["region"]


def test_dev_has_no_state_stack(synthesized):
    assert "dev-global-state" not in synthesized


# ---- 2. CI through OIDC ----------------------------------------------------------------------
def github_trust_problems(stack: dict, allowed_subjects: set[str]) -> list[str]:
    """Every trust that names GitHub's issuer must pin the repository and an exact subject."""
    problems = []
    for name, role in resources(stack, "aws_iam_role").items():
        doc = json.loads(role["assume_role_policy"])
        for st in doc["Statement"]:
            fed = st.get("Principal", {}).get("Federated", "")
            if "openid_connect_provider" not in fed and "token.actions" not in fed:
                continue
            cond = st.get("Condition", {})
            if set(cond) != {"StringEquals"}:
                problems.append(f"aws_iam_role.{name}: condition operators {sorted(cond)}")
            eq = cond.get("StringEquals", {})
            if eq.get("token.actions.githubusercontent.com:aud") != "sts.amazonaws.com":
                problems.append(f"aws_iam_role.{name}: audience")
            if eq.get("token.actions.githubusercontent.com:sub") not in allowed_subjects:
                problems.append(
                    f"aws_iam_role.{name}: subject {eq.get('token.actions.githubusercontent.com:sub')}"
                )
    for name, p in resources(stack, "google_iam_workload_identity_pool_provider").items():
        if f"assertion.repository == '{REPOSITORY}'" not in p.get("attribute_condition", ""):
            problems.append(f"wif provider {name}: repository not pinned")
        if p["oidc"]["issuer_uri"] != GITHUB_ISSUER:
            problems.append(f"wif provider {name}: issuer")
    for name, m in resources(stack, "google_service_account_iam_member").items():
        if m["role"] == "roles/iam.workloadIdentityUser":
            subject = m["member"].rsplit("/subject/", 1)[-1]
            if not m["member"].startswith("principal://") or subject not in allowed_subjects:
                problems.append(f"google_service_account_iam_member.{name}: {m['member']}")
    for name, cred in resources(stack, "azurerm_federated_identity_credential").items():
        if cred["issuer"] != GITHUB_ISSUER or cred["subject"] not in allowed_subjects:
            problems.append(f"azurerm_federated_identity_credential.{name}: {cred['subject']}")
        if cred["audience"] != ["api://AzureADTokenExchange"]:
            problems.append(f"azurerm_federated_identity_credential.{name}: audience")
    return problems


def subjects(env: str) -> set[str]:
    # docs.github.com: a job with `environment:` gets sub = repo:<owner>/<repo>:environment:<name>
    return {f"repo:{REPOSITORY}:environment:plan", f"repo:{REPOSITORY}:environment:{env}"}


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_ci_federation_trusts_only_this_repository_and_its_plan_and_deploy_environments(synthesized, env):
    stack = synthesized[f"{env}-global-identity"]
    assert github_trust_problems(stack, subjects(env)) == []
    # All three clouds are federated: 2 roles, 2 service accounts, 2 identities.
    roles = [r for r in resources(stack, "aws_iam_role").values() if "ci-" in r["name"]]
    assert sorted(r["name"] for r in roles) == [f"{env}-ci-deploy", f"{env}-ci-plan"]
    assert len(resources(stack, "google_service_account_iam_member")) == 2
    creds = resources(stack, "azurerm_federated_identity_credential").values()
    assert sorted(c["subject"] for c in creds) == sorted(subjects(env))
    (oidc,) = resources(stack, "aws_iam_openid_connect_provider").values()
    assert oidc["url"] == GITHUB_ISSUER and oidc["client_id_list"] == ["sts.amazonaws.com"]


def test_plan_identities_are_read_only_and_deploy_trusts_only_the_protected_environment(synthesized):
    stack = synthesized["prod-global-identity"]
    roles = resources(stack, "aws_iam_role")
    plan = next(r for r in roles.values() if r["name"] == "prod-ci-plan")
    deploy = next(r for r in roles.values() if r["name"] == "prod-ci-deploy")
    sub = "token.actions.githubusercontent.com:sub"
    assert json.loads(plan["assume_role_policy"])["Statement"][0]["Condition"]["StringEquals"][sub] == (
        f"repo:{REPOSITORY}:environment:plan"
    )
    assert json.loads(deploy["assume_role_policy"])["Statement"][0]["Condition"]["StringEquals"][sub] == (
        f"repo:{REPOSITORY}:environment:prod"
    )
    attached = {
        a["policy_arn"]
        for a in resources(stack, "aws_iam_role_policy_attachment").values()
        if "plan_role" in a["role"]
    }
    assert attached == {"arn:aws:iam::aws:policy/ReadOnlyAccess"}
    assignments = {
        a["role_definition_name"]
        for n, a in resources(stack, "azurerm_role_assignment").items()
        if n.startswith("azure_ci_plan")
    }
    assert assignments == {"Reader"}


def test_trust_rule_catches_a_wildcard_subject_another_repo_and_an_unpinned_pool(synthesized):
    real = synthesized["prod-global-identity"]
    allowed = subjects("prod")
    for mutate in (
        lambda s: _set_aws_sub(s, "repo:mcai/ai-platform-infra:*", op="StringLike"),
        lambda s: _set_aws_sub(s, "repo:someone-else/fork:environment:prod"),
        lambda s: next(iter(resources(s, "google_iam_workload_identity_pool_provider").values())).__setitem__(
            "attribute_condition", "true"
        ),
        lambda s: next(iter(resources(s, "azurerm_federated_identity_credential").values())).__setitem__(
            "subject", "repo:mcai/ai-platform-infra:ref:refs/heads/feature"
        ),
    ):
        stack = copy.deepcopy(real)
        mutate(stack)
        assert github_trust_problems(stack, allowed) != []


def _set_aws_sub(stack: dict, value: str, op: str = "StringEquals") -> None:
    role = next(r for r in resources(stack, "aws_iam_role").values() if r["name"].endswith("ci-deploy"))
    doc = json.loads(role["assume_role_policy"])
    cond = doc["Statement"][0]["Condition"].pop("StringEquals")
    cond["token.actions.githubusercontent.com:sub"] = value
    doc["Statement"][0]["Condition"][op] = cond
    role["assume_role_policy"] = json.dumps(doc)


# ---- no static keys anywhere -----------------------------------------------------------------
KEY_RESOURCES = {
    "aws_iam_access_key",
    "aws_iam_user",
    "aws_iam_user_login_profile",
    "google_service_account_key",
    "google_apikeys_key",
    "azuread_application_password",
    "azuread_service_principal_password",
    "azuread_application_certificate",
}
KEY_PROVIDER_ARGS = {
    "access_key",
    "secret_key",
    "credentials",
    "client_secret",
    "client_certificate",
    "token",
}


def static_key_problems(stack: dict, sid: str) -> list[str]:
    problems = [f"{sid}: {rtype}" for rtype in stack.get("resource", {}) if rtype in KEY_RESOURCES]
    for pname, blocks in stack.get("provider", {}).items():
        for block in blocks:
            bad = KEY_PROVIDER_ARGS & set(block)
            if bad and pname in ("aws", "google", "azurerm"):
                problems.append(f"{sid}: provider {pname} has {sorted(bad)}")
    backend = stack.get("terraform", {}).get("backend", {})
    for kind, cfg in backend.items():
        for arg in ("access_key", "secret_key", "sas_token", "credentials", "client_secret"):
            if arg in cfg:
                problems.append(f"{sid}: backend {kind} has {arg}")
    return problems


def test_no_static_cloud_keys_in_any_stack(synthesized):
    assert [p for sid, s in synthesized.items() for p in static_key_problems(s, sid)] == []


def test_static_key_rule_catches_a_planted_key_user_and_provider_secret(synthesized):
    for mutate in (
        lambda s: s["resource"].__setitem__("aws_iam_access_key", {"k": {"user": "ci"}}),
        lambda s: s["resource"].__setitem__("google_service_account_key", {"k": {}}),
        lambda s: s["provider"]["aws"][0].__setitem__("secret_key", "x"),
        lambda s: s["terraform"]["backend"]["s3"].__setitem__("access_key", "x"),
    ):
        stack = copy.deepcopy(synthesized["prod-global-identity"])
        mutate(stack)
        assert static_key_problems(stack, "planted") != []


# ---- 3. unified roles reach every cluster; creator admin off ---------------------------------
@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_every_unified_role_reaches_every_cluster_on_all_three_clouds(synthesized, env):
    sso = RAW[env]["sso"]["roles"]
    unified = {"admin", "ml-engineer", "data-scientist"}  # the design's three platform roles
    assert {m["role"] for m in sso} == unified
    identity = synthesized[f"{env}-global-identity"]
    gke_members = {
        (m["member"], m["role"]) for m in resources(identity, "google_project_iam_member").values()
    }
    for c in clusters(env):
        stack = access_stack(synthesized, env, c)
        if c["cloud"] == "aws":
            assoc = resources(stack, "aws_eks_access_policy_association")
            for m in sso:
                a = assoc[f"eks_access_sso_{m['role'].replace('-', '_')}_policy"]
                assert a["policy_arn"] == EKS_POLICY[m["kubernetes"]]
                assert a["access_scope"] == {"type": "cluster"}
                producer, value = resolve_output(synthesized, _entry_principal(stack, a))
                assert resource_at(producer, value)["name"] == f"{env}-sso-{m['role']}"
        elif c["cloud"] == "azure":
            ra = resources(stack, "azurerm_role_assignment")
            for m in sso:
                key = f"aks_access_sso_{m['role'].replace('-', '_')}"
                assert ra[f"{key}_rbac"]["role_definition_name"] == AKS_ROLE[m["kubernetes"]]
                assert ra[f"{key}_rbac"]["principal_id"] == m["azure_group_object_id"]
                assert ra[f"{key}_rbac"]["principal_type"] == "Group"
                assert (
                    ra[f"{key}_user"]["role_definition_name"] == "Azure Kubernetes Service Cluster User Role"
                )
        else:  # GKE: IAM in the cluster's project, for the group's workforce principal set
            for m in sso:
                member = (
                    f"principalSet://iam.googleapis.com/locations/global/workforcePools/{env}-okta/group/"
                    f"{m['idp_group']}"
                )
                assert (member, GKE_ROLE[m["kubernetes"]]) in gke_members
                assert (member, "roles/container.clusterViewer") in gke_members


def _entry_principal(stack: dict, assoc: dict) -> str:
    """The association names its entry's principal; the entry holds the cross-stack reference."""
    ref = assoc["principal_arn"]
    m = re.fullmatch(r"\$\{aws_eks_access_entry\.(\w+)\.principal_arn\}", ref)
    return resources(stack, "aws_eks_access_entry")[m.group(1)]["principal_arn"] if m else ref


def test_aws_sso_roles_are_assumable_only_through_the_saml_provider(synthesized):
    stack = synthesized["prod-global-identity"]
    for role in resources(stack, "aws_iam_role").values():
        if "-sso-" not in role["name"]:
            continue
        (st,) = json.loads(role["assume_role_policy"])["Statement"]
        assert st["Principal"]["Federated"].startswith("${aws_iam_saml_provider.")
        assert st["Condition"] == {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}


def test_the_ci_deploy_identity_is_cluster_admin_on_every_eks_and_aks_cluster(synthesized):
    for env in RAW:
        for c in clusters(env):
            stack = access_stack(synthesized, env, c)
            if c["cloud"] == "aws":
                a = resources(stack, "aws_eks_access_policy_association")["eks_access_ci_deploy_policy"]
                assert a["policy_arn"] == EKS_POLICY["admin"]
            elif c["cloud"] == "azure":
                ra = resources(stack, "azurerm_role_assignment")["aks_access_ci_deploy_rbac"]
                assert ra["role_definition_name"] == AKS_ROLE["admin"]


def test_creator_admin_is_off_on_every_eks_and_aks_cluster(synthesized):
    seen = 0
    for sid, stack in synthesized.items():
        for cluster in resources(stack, "aws_eks_cluster").values():
            assert cluster["access_config"]["bootstrap_cluster_creator_admin_permissions"] is False, sid
            seen += 1
        assert "aks_deployer_cluster_admin" not in resources(stack, "azurerm_role_assignment"), sid
    assert seen == sum(1 for env in RAW for c in clusters(env) if c["cloud"] == "aws")


# ---- 4. one operator path per cluster --------------------------------------------------------
def operator_paths(stack: dict) -> list[str]:
    return [
        f"{rtype}.{name}"
        for rtype in ("aws_instance", "google_compute_instance", "azurerm_bastion_host")
        for name in resources(stack, rtype)
    ]


def test_exactly_one_operator_path_per_cluster(synthesized):
    for env in RAW:
        for c in clusters(env):
            stack = access_stack(synthesized, env, c)
            assert len(operator_paths(stack)) == 1, (env, c["name"], operator_paths(stack))
            if c["cloud"] == "aws":
                host = resources(stack, "aws_instance")["api_path_host"]
                assert host["associate_public_ip_address"] is False
                assert host["metadata_options"]["http_tokens"] == "required"
                assert "key_name" not in host  # SSM only, no SSH key
                (sg,) = resources(stack, "aws_security_group").values()
                assert "ingress" not in sg
                rule = resources(stack, "aws_vpc_security_group_ingress_rule")["api_path_api_from_path"]
                assert (rule["from_port"], rule["to_port"]) == (443, 443)
                assert "cidr_ipv4" not in rule  # from the path's security group only
            elif c["cloud"] == "gcp":
                host = resources(stack, "google_compute_instance")["api_path_host"]
                assert all("access_config" not in nic for nic in host["network_interface"])
                assert host["metadata"]["enable-oslogin"] == "TRUE"
                (fw,) = resources(stack, "google_compute_firewall").values()
                # cloud.google.com/iap/docs/using-tcp-forwarding
                assert fw["source_ranges"] == ["35.235.240.0/20"]
                assert fw["allow"] == [{"protocol": "tcp", "ports": ["22"]}]
            else:
                bastion = resources(stack, "azurerm_bastion_host")["api_path_bastion"]
                assert bastion["sku"] == "Standard" and bastion["tunneling_enabled"] is True
                (subnet,) = resources(stack, "azurerm_subnet").values()
                assert subnet["name"] == "AzureBastionSubnet"


# learn.microsoft.com/azure/bastion/bastion-nsg, "Configure NSG rules for Azure Bastion": the table
# of rules an NSG on AzureBastionSubnet must hold, all of them ("omitting any rule blocks your
# Bastion host from receiving platform updates"): (name, direction, source, destination, ports,
# protocol), ports sorted.
BASTION_REQUIRED_RULES = {
    ("AllowHttpsInbound", "Inbound", "Internet", "*", ("443",), "Tcp"),
    ("AllowGatewayManagerInbound", "Inbound", "GatewayManager", "*", ("443",), "Tcp"),
    ("AllowBastionHostCommunication", "Inbound", "VirtualNetwork", "VirtualNetwork", ("5701", "8080"), "*"),
    ("AllowAzureLoadBalancerInbound", "Inbound", "AzureLoadBalancer", "*", ("443",), "Tcp"),
    ("AllowSshRdpOutbound", "Outbound", "*", "VirtualNetwork", ("22", "3389"), "*"),
    ("AllowAzureCloudOutbound", "Outbound", "*", "AzureCloud", ("443",), "Tcp"),
    ("AllowBastionCommunication", "Outbound", "VirtualNetwork", "VirtualNetwork", ("5701", "8080"), "*"),
    ("AllowHttpOutbound", "Outbound", "*", "Internet", ("80",), "*"),
}


def bastion_nsg_rules(stack: dict) -> set[tuple] | None:
    """The allow rules of the NSG associated with the stack's AzureBastionSubnet (None: no NSG)."""
    (subnet_key,) = [
        k for k, s in resources(stack, "azurerm_subnet").items() if s["name"] == "AzureBastionSubnet"
    ]
    assocs = [
        a
        for a in resources(stack, "azurerm_subnet_network_security_group_association").values()
        if a["subnet_id"] == f"${{azurerm_subnet.{subnet_key}.id}}"
    ]
    if not assocs:
        return None
    (assoc,) = assocs
    nsg = re.fullmatch(
        r"\$\{azurerm_network_security_group\.(\w+)\.id\}", assoc["network_security_group_id"]
    )[1]
    return {
        (
            r["name"],
            r["direction"],
            r["source_address_prefix"],
            r["destination_address_prefix"],
            tuple(sorted(r.get("destination_port_ranges") or [r["destination_port_range"]])),
            r["protocol"],
        )
        for r in resources(stack, "azurerm_network_security_rule").values()
        if r["network_security_group_name"] == f"${{azurerm_network_security_group.{nsg}.name}}"
        and r["access"] == "Allow"
    }


def test_every_bastion_subnet_has_an_nsg_with_exactly_the_required_rules(synthesized):
    stacks = {sid: s for sid, s in synthesized.items() if "-azure-" in sid and sid.endswith("-access")}
    assert len(stacks) == 5
    for sid, stack in stacks.items():
        assert bastion_nsg_rules(stack) == BASTION_REQUIRED_RULES, sid
        # Azure refuses the association while a required rule is missing, and the Bastion host
        # comes after the association.
        (assoc_key,) = resources(stack, "azurerm_subnet_network_security_group_association")
        assoc = resources(stack, "azurerm_subnet_network_security_group_association")[assoc_key]
        assert {
            f"azurerm_network_security_rule.{k}" for k in resources(stack, "azurerm_network_security_rule")
        } <= set(assoc["depends_on"])
        bastion = resources(stack, "azurerm_bastion_host")["api_path_bastion"]
        assert f"azurerm_subnet_network_security_group_association.{assoc_key}" in bastion["depends_on"]


def test_bastion_nsg_rule_fails_on_mutated_copies_of_the_real_plan(synthesized):
    stack = copy.deepcopy(synthesized["prod-azure-eastus-access"])
    rules = resources(stack, "azurerm_network_security_rule")
    del rules[next(k for k, r in rules.items() if r["name"] == "AllowGatewayManagerInbound")]
    assert BASTION_REQUIRED_RULES - bastion_nsg_rules(stack) == {
        ("AllowGatewayManagerInbound", "Inbound", "GatewayManager", "*", ("443",), "Tcp")
    }
    del stack["resource"]["azurerm_subnet_network_security_group_association"]
    assert bastion_nsg_rules(stack) is None


def test_operator_path_rule_catches_a_second_path_and_a_missing_one(synthesized):
    stack = copy.deepcopy(synthesized["prod-aws-us-east-1-access"])
    stack["resource"]["aws_instance"]["second"] = {}
    assert len(operator_paths(stack)) == 2
    del stack["resource"]["aws_instance"]
    assert operator_paths(stack) == []
