"""The backend block of an environment as text: pure Python (no cdktf), for `python -m stacks
backend` and `make bootstrap-state`. stacks/base.py synthesizes the same settings per stack."""

from __future__ import annotations

from stacks.params import Environment


def backend_block(env: Environment) -> str:
    """The backend block every other stack of `env` synthesizes (HCL, `<stack id>` in the key),
    for `make bootstrap-state` to print and for plain Terraform users."""
    b = env.backend
    if b.kind == "s3":
        body = (
            f'bucket = "{b.bucket}"\n    key = "{b.key_prefix}/<stack id>.tfstate"\n    region = "{b.region}"\n'
            "    encrypt = true\n    use_lockfile = true"
        )
    elif b.kind == "gcs":
        body = f'bucket = "{b.bucket}"\n    prefix = "{b.prefix}/<stack id>"'
    elif b.kind == "azurerm":
        body = (
            f'resource_group_name = "{b.resource_group_name}"\n    storage_account_name = "{b.storage_account_name}"\n'
            f'    container_name = "{b.container_name}"\n    key = "<stack id>.tfstate"\n    use_azuread_auth = true'
        )
    else:
        return f"# {env.name}: backend kind {b.kind}; no state store to bootstrap."
    return f'terraform {{\n  backend "{b.kind}" {{\n    {body}\n  }}\n}}'
