"""Day-2 access parameters (issue #18): pure Python, no cdktf.

SSO mappings must cover every unified role exactly once (or a role would reach no cluster), the
IdP metadata must exist, the backend block printed by `make bootstrap-state` is the one the
stacks use, `--local-state` really drops remote state, and the Bastion subnet never collides
with the VNet's other subnets.
"""

from __future__ import annotations

from ipaddress import IPv4Network
from pathlib import Path

import pytest
import yaml

from constructs_lib.cidrs import split_vnet_cidr
from stacks.environments import ENV_DIR, load_environments
from stacks.validation import ParameterError, load_environment


def base(env: str = "prod") -> dict:
    return yaml.safe_load((ENV_DIR / f"{env}.yaml").read_text())


def problems_for(tmp_path: Path, data: dict, env: str = "prod") -> list[str]:
    path = tmp_path / f"{env}.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ParameterError) as exc:
        load_environment(path)
    return [f"{p.path}: {p.message}" for p in exc.value.problems]


def test_a_unified_role_without_sso_mapping_is_refused_by_name(tmp_path):
    data = base()
    data["sso"]["roles"] = [r for r in data["sso"]["roles"] if r["role"] != "ml-engineer"]
    problems = problems_for(tmp_path, data)
    assert any(p.startswith("sso.roles: role 'ml-engineer'") for p in problems), problems


def test_an_sso_mapping_for_an_unknown_role_or_twice_is_refused(tmp_path):
    data = base()
    data["sso"]["roles"].append(dict(data["sso"]["roles"][0], role="auditor"))
    data["sso"]["roles"].append(dict(data["sso"]["roles"][0]))
    problems = problems_for(tmp_path, data)
    assert any("sso.roles[3].role: 'auditor' is not a role in vault.roles" in p for p in problems), problems
    assert any("sso.roles[4].role: 'admin' is mapped twice" in p for p in problems), problems


def test_a_missing_saml_metadata_file_is_refused_with_the_fix(tmp_path):
    data = base()
    data["sso"]["aws_saml_metadata_file"] = "idp/missing.xml"
    problems = problems_for(tmp_path, data)
    assert any(
        p.startswith("sso.aws_saml_metadata_file: environments/idp/missing.xml does not exist")
        for p in problems
    )


def test_a_kubernetes_level_outside_admin_edit_view_is_refused(tmp_path):
    data = base()
    data["sso"]["roles"][0]["kubernetes"] = "root"
    assert any("sso.roles[0].kubernetes" in p for p in problems_for(tmp_path, data))


def test_ci_repository_must_be_owner_slash_name(tmp_path):
    data = base()
    data["ci"]["repository"] = "https://github.com/mcai/ai-platform-infra"
    assert any(p.startswith("ci.repository") for p in problems_for(tmp_path, data))


def test_backend_block_is_the_s3_backend_with_lock_file_for_prod():
    from stacks.state_backend import backend_block

    prod = next(e for e in load_environments("prod"))
    assert backend_block(prod) == (
        "terraform {\n"
        '  backend "s3" {\n'
        '    bucket = "mcai-prod-tfstate-123456789012"\n'
        '    key = "cdktf/<stack id>.tfstate"\n'
        '    region = "us-east-1"\n'
        "    encrypt = true\n"
        "    use_lockfile = true\n"
        "  }\n"
        "}"
    )


def test_local_state_flag_turns_every_backend_local():
    from stacks.__main__ import with_local_state

    envs = load_environments()
    assert {e.backend.kind for e in envs} == {"local", "s3"}
    assert {e.backend.kind for e in with_local_state(envs)} == {"local"}


@pytest.mark.parametrize("cidr", ["10.30.0.0/16", "10.62.0.0/16", "10.0.0.0/20", "172.16.4.0/22"])
def test_bastion_subnet_is_a_free_slash_26_inside_the_vnet(cidr):
    from stacks.access_stack import bastion_subnet_cidr  # imports cdktf-free modules only at top

    bastion = IPv4Network(bastion_subnet_cidr(cidr))
    nodes, gateway = (IPv4Network(n) for n in split_vnet_cidr(cidr))
    assert bastion.prefixlen == 26  # Azure Bastion's minimum
    assert bastion.subnet_of(IPv4Network(cidr))
    assert not bastion.overlaps(nodes) and not bastion.overlaps(gateway)
    # and clear of the cluster stack's private-endpoint and API server subnets (issue #16 found the
    # Bastion on the private-endpoint block)
    from constructs_lib.cidrs import api_server_cidr, private_endpoint_cidr

    assert not bastion.overlaps(IPv4Network(private_endpoint_cidr(cidr)))
    assert not bastion.overlaps(IPv4Network(api_server_cidr(cidr)))
