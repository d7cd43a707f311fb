"""The base of every stack: its id, its state backend and its common tags."""

from __future__ import annotations

from cdktf import (
    AzurermBackend,
    CloudBackend,
    GcsBackend,
    LocalBackend,
    NamedCloudWorkspace,
    S3Backend,
    TerraformStack,
)
from constructs import Construct

from constructs_lib.tags import common_tags
from stacks.logical_ids import CONTEXT_KEY as LOGICAL_IDS_CONTEXT_KEY
from stacks.logical_ids import _PathLogicalIdsInNode
from stacks.params import Environment
from stacks.params import LocalBackend as LocalBackendModel


def stack_id(env: Environment, component: str, *, cloud: str | None = None, region: str | None = None) -> str:
    """`prod-aws-us-east-1-cluster`, or `prod-global-edge` for a stack that spans clouds.

    Stack ids are a contract with the state (they name the state file or workspace): renaming
    one orphans real infrastructure. Change them only together with a state move.
    """
    if cloud and region:
        return f"{env.name}-{cloud}-{region}-{component}"
    return f"{env.name}-global-{component}"


class PlatformStack(TerraformStack):
    """A stack of one environment: applies the environment's backend and knows its tags."""

    def __init__(
        self,
        scope: Construct,
        *,
        env: Environment,
        component: str,
        cloud: str | None = None,
        region: str | None = None,
        local_state: bool = False,
    ) -> None:
        """local_state: keep this stack's state local whatever `backend:` says (the state
        stack, which creates the remote store, bootstraps with it)."""
        self.stack_name = stack_id(env, component, cloud=cloud, region=region)
        super().__init__(scope, self.stack_name)
        if isinstance(self, _PathLogicalIdsInNode):
            # Before the first child (the backend below): node allocates this stack's ids.
            self.node.set_context(LOGICAL_IDS_CONTEXT_KEY, True)
        self.env = env
        self.component = component
        _configure_backend(
            self,
            env.model_copy(update={"backend": LocalBackendModel()}) if local_state else env,
            self.stack_name,
        )

    def tags(self, **kwargs: str | None) -> dict[str, str]:
        """common_tags for this stack's environment and component, plus the given keys."""
        cost = {"team": self.env.cost_allocation.team, "model": self.env.cost_allocation.model}
        return common_tags(
            env=self.env.name, component=self.component, extra=self.env.tags, **{**cost, **kwargs}
        )


def _configure_backend(stack: TerraformStack, env: Environment, name: str) -> None:
    b = env.backend
    if b.kind == "local":
        # terraform.<stack>.tfstate at the repository root, as cdktf's default, but written
        # relative to the stack's directory (cdktf.out/stacks/<stack>/): cdktf's default is an
        # absolute path, which would make the plan differ between two checkouts.
        LocalBackend(stack, path=f"../../../terraform.{name}.tfstate")
        return
    if b.kind == "s3":
        S3Backend(stack, bucket=b.bucket, key=f"{b.key_prefix}/{name}.tfstate", region=b.region, encrypt=True)
        # S3-native locking (Terraform >= 1.10); the binding predates the argument.
        stack.add_override("terraform.backend.s3.use_lockfile", True)
    elif b.kind == "gcs":
        GcsBackend(stack, bucket=b.bucket, prefix=f"{b.prefix}/{name}")
    elif b.kind == "azurerm":
        AzurermBackend(
            stack,
            resource_group_name=b.resource_group_name,
            storage_account_name=b.storage_account_name,
            container_name=b.container_name,
            key=f"{name}.tfstate",
            # The state account refuses shared keys (constructs_lib/azure/state_store.py).
            use_azuread_auth=True,
        )
    elif b.kind == "remote":
        CloudBackend(
            stack,
            organization=b.organization,
            hostname=b.hostname,
            workspaces=NamedCloudWorkspace(f"{b.workspace_prefix}{name}"),
        )
