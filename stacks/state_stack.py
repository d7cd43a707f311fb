"""The state store of an environment: `<env>-global-state`, the one stack with local state.

Every other stack of the environment keeps its state where `backend:` in the environment file
says; this stack creates that store, so it cannot live in it. `make bootstrap-state ENV=<env>`
applies it once with local state (terraform.<env>-global-state.tfstate at the repository root,
kept out of git) and prints the backend block; after that the store only changes through this
stack, from the same machine or by importing the bucket into a fresh local state.

The store's names come from `backend:` itself (one source): the S3 bucket `backend.bucket` in
`backend.region` (native lock file, `use_lockfile`), the GCS bucket `backend.bucket`, or the
Azure storage account and container of `backend.*`; in the environment's home account
(`accounts:`). An environment with local or HCP Terraform state gets no state stack.
"""

from __future__ import annotations

from cdktf import TerraformOutput
from constructs import Construct

from stacks.base import PlatformStack
from stacks.context import BuildContext
from stacks.logical_ids import PathLogicalIds
from stacks.params import Environment

COMPONENT = "state"


def build(app: Construct, ctx: BuildContext) -> None:
    if ctx.env.backend.kind in ("s3", "gcs", "azurerm"):
        StateStack(app, env=ctx.env)


def home_region(env: Environment, cloud: str) -> str:
    """The region of the environment's first cluster on `cloud` (the backend's own region for S3)."""
    clusters = env.clusters_of(cloud)
    if not clusters:
        raise ValueError(f"environment {env.name}: backend on {cloud} but no {cloud} cluster gives a region")
    return clusters[0].region


def state_jurisdiction(env: Environment) -> str:
    """The jurisdiction of the cluster whose cloud and region hold the state store."""
    b = env.backend
    cloud = {"s3": "aws", "gcs": "gcp", "azurerm": "azure"}[b.kind]
    region = b.region if b.kind == "s3" else home_region(env, cloud)
    for c in env.clusters:
        if c.cloud == cloud and c.region == region:
            return c.jurisdiction
    return env.clusters_of(cloud)[0].jurisdiction if env.clusters_of(cloud) else env.clusters[0].jurisdiction


class StateStack(PathLogicalIds, PlatformStack):
    def __init__(self, scope: Construct, *, env: Environment) -> None:
        super().__init__(scope, env=env, component=COMPONENT, local_state=True)
        b = env.backend
        # State holds every secret Terraform generates (VPN keys, passwords): it is handled as
        # the strictest class, and stays in the jurisdiction of the region that holds it.
        tags = self.tags(data_classification="pii", jurisdiction=state_jurisdiction(env))
        if b.kind == "s3":
            from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags

            from constructs_lib.aws.state_store import S3StateBucket

            AwsProvider(
                self,
                "aws",
                region=b.region,
                allowed_account_ids=[env.accounts.aws.account_id],
                default_tags=[AwsProviderDefaultTags(tags=tags)],
            )
            s3 = S3StateBucket(self, "s3", bucket=b.bucket, account_id=env.accounts.aws.account_id, tags=tags)
            TerraformOutput(self, "bucket_arn", value=s3.arn)
        elif b.kind == "gcs":
            from cdktf_cdktf_provider_google.provider import GoogleProvider

            from constructs_lib.gcp.state_store import GcsStateBucket

            project = env.accounts.gcp.project_id
            GoogleProvider(self, "google", project=project, default_labels=tags)
            gcs = GcsStateBucket(
                self, "gcs", bucket=b.bucket, project=project, location=home_region(env, "gcp"), labels=tags
            )
            TerraformOutput(self, "bucket_url", value=gcs.bucket.url)
        elif b.kind == "azurerm":
            from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures

            from constructs_lib.azure.state_store import AzureStateContainer

            AzurermProvider(
                self,
                "azurerm",
                features=[AzurermProviderFeatures()],
                subscription_id=env.accounts.azure.subscription_id,
                tenant_id=env.accounts.azure.tenant_id,
                storage_use_azuread=True,  # the account refuses shared keys
            )
            azure = AzureStateContainer(
                self,
                "azurerm",
                resource_group_name=b.resource_group_name,
                storage_account_name=b.storage_account_name,
                container_name=b.container_name,
                location=home_region(env, "azure"),
                tags=tags,
            )
            TerraformOutput(self, "container_id", value=azure.container.id)
        else:  # build() makes this stack for the three stores only
            raise ValueError(f"environment {env.name}: backend {b.kind} keeps no state store here")
