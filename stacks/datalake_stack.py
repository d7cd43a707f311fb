"""Data-lake stacks: one per cluster region, `<env>-<cloud>-<region>-datalake`.

The stack translates the environment model into construct props: the region's jurisdiction, the
classifications that may exist there (`models-gdpr` only in the EU), the tier spec, and the
replica region of `data_lake.replica_regions` with ITS jurisdiction from the residency map. Which
classifications actually replicate is decided in one place, constructs_lib/storage_spec.py, and
every cloud's construct applies it. Data-lake stacks do not depend on the cluster stacks.
"""

from __future__ import annotations

from constructs import Construct

from constructs_lib import storage_spec
from constructs_lib.storage_spec import TierSpec
from stacks.base import PlatformStack
from stacks.context import BuildContext
from stacks.params import Cluster, Environment
from stacks.residency import Residency, load_residency

COMPONENT = "datalake"


def tier_spec(env: Environment) -> TierSpec:
    t = env.data_lake.tiers
    return TierSpec(
        warm_after_days=t.warm_after_days,
        cold_after_days=t.cold_after_days,
        noncurrent_cold_after_days=t.noncurrent_cold_after_days,
        noncurrent_expire_after_days=t.noncurrent_expire_after_days,
        abort_incomplete_multipart_days=t.abort_incomplete_multipart_days,
    )


class DataLakeStack(PlatformStack):
    """The data lake of one cloud region (and, for replicable classifications, its replica)."""

    def __init__(self, scope: Construct, *, env: Environment, cluster: Cluster, residency: Residency) -> None:
        super().__init__(scope, env=env, component=COMPONENT, cloud=cluster.cloud, region=cluster.region)
        lake = env.data_lake
        cloud, region, jurisdiction = cluster.cloud, cluster.region, cluster.jurisdiction
        self.jurisdiction = jurisdiction
        self.classifications = tuple(
            c for c in lake.classifications if storage_spec.may_exist_in(c, jurisdiction)
        )
        self.replica_region = lake.replica_regions.get(region)
        self.replica_jurisdiction = None
        if self.replica_region is not None:
            self.replica_jurisdiction = residency.jurisdiction_of(cloud, self.replica_region)
            if self.replica_jurisdiction is None:  # validation reports this first; never guess
                raise ValueError(
                    f"data_lake.replica_regions.{region}: '{self.replica_region}' is in no jurisdiction of "
                    "policies/residency.yaml"
                )
        tiers = tier_spec(env)
        tags = self.tags()
        if cloud == "aws":
            self._aws(region, tiers, tags)
        elif cloud == "gcp":
            self._gcp(region, tiers, tags)
        else:
            self._azure(region, tiers, tags)

    def _aws(self, region: str, tiers: TierSpec, tags: dict[str, str]) -> None:
        from cdktf_cdktf_provider_aws.provider import AwsProvider

        from constructs_lib.aws.data_lake import S3DataLake, S3Replica

        lake = self.env.data_lake
        account_id = self.env.accounts.aws.account_id
        AwsProvider(self, "aws", region=region, allowed_account_ids=[account_id])
        self.lake = S3DataLake(
            self,
            "data_lake",
            bucket_prefix=f"{self.env.name}-{account_id}-{region}",
            account_id=account_id,
            tags=tags,
            archive_lock_mode=lake.archive_lock_mode,
            replica=self._replica(S3Replica),
            **self._lake_props(region, tiers),
        )

    def _lake_props(self, region: str, tiers: TierSpec) -> dict:
        """The props every cloud's data lake takes alike, from the environment's data_lake."""
        lake = self.env.data_lake
        return dict(
            region=region,
            jurisdiction=self.jurisdiction,
            classifications=self.classifications,
            zones=lake.zones,
            tiers=tiers,
            archive_retention_days=lake.archive_retention_days,
            access_log_retention_days=lake.access_log_retention_days,
            force_destroy=lake.force_destroy,
            erasure_days=dict(lake.erasure_days),
        )

    def _replica(self, replica_cls):
        """The cloud's replica props, or None where the environment declares no replica region."""
        if self.replica_region and self.replica_jurisdiction:
            return replica_cls(region=self.replica_region, jurisdiction=self.replica_jurisdiction)
        return None

    def _gcp(self, region: str, tiers: TierSpec, tags: dict[str, str]) -> None:
        from cdktf_cdktf_provider_google.provider import GoogleProvider

        from constructs_lib.gcp.data_lake import GcsDataLake, GcsReplica

        lake = self.env.data_lake
        project = self.env.accounts.gcp.project_id
        GoogleProvider(self, "google", project=project, region=region)
        self.lake = GcsDataLake(
            self,
            "data_lake",
            project=project,
            name_prefix=f"{project}-{region}",
            labels=tags,
            archive_lock_mode=lake.archive_lock_mode,
            replica=self._replica(GcsReplica),
            **self._lake_props(region, tiers),
        )

    def _azure(self, region: str, tiers: TierSpec, tags: dict[str, str]) -> None:
        from cdktf_cdktf_provider_azurerm.provider import (
            AzurermProvider,
            AzurermProviderFeatures,
            AzurermProviderFeaturesStorage,
        )

        from constructs_lib.azure.data_lake import AzureDataLake, AzureReplica

        account = self.env.accounts.azure
        AzurermProvider(
            self,
            "azurerm",
            subscription_id=account.subscription_id,
            tenant_id=account.tenant_id,
            # Accounts refuse shared keys and public networks: manage them through ARM and Entra ID only.
            storage_use_azuread=True,
            features=[
                AzurermProviderFeatures(storage=[AzurermProviderFeaturesStorage(data_plane_available=False)])
            ],
        )
        self.lake = AzureDataLake(
            self,
            "data_lake",
            name_stem=self.env.name,
            name_seed=account.subscription_id,
            resource_group_name=f"rg-{self.env.name}-{region}-datalake",
            tags=tags,
            replica=self._replica(AzureReplica),
            # The deployment runner's path to the vaults' data plane (params.Runner).
            key_vault_allowed_cidrs=[str(n) for n in self.env.runner.ip_ranges],
            key_vault_allowed_subnet_ids=list(self.env.runner.azure_subnet_ids),
            **self._lake_props(region, tiers),
        )


def build(app: Construct, ctx: BuildContext) -> None:
    """One data-lake stack per distinct (cloud, region) of the environment's clusters."""
    env = ctx.env
    if not env.data_lake.enabled:
        return
    residency = load_residency()
    seen: set[tuple[str, str]] = set()
    for cluster in env.clusters:
        if (cluster.cloud, cluster.region) in seen:
            continue
        seen.add((cluster.cloud, cluster.region))
        lake = DataLakeStack(app, env=env, cluster=cluster, residency=residency)
        rules = getattr(getattr(lake, "lake", None), "replication_rules", None)
        if cluster.cloud == "aws" and rules:
            from stacks.alerts_stack import ReplicationAlertsStack

            ReplicationAlertsStack(app, env=env, region=cluster.region, rules=rules)
