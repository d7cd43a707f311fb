"""Data-lake stacks: one per cluster region, `<env>-<cloud>-<region>-datalake`.

The stack translates the environment model into construct props: the region's jurisdiction, the
classifications that may exist there (`models-gdpr` only in the EU), the tier spec, and the
replica region of `data_lake.replica_regions` with ITS jurisdiction from the residency map. Which
classifications actually replicate is decided in one place, constructs_lib/storage_spec.py, and
every cloud's construct applies it. An Azure lake refers to its region's AKS cluster (handle) for
the private endpoints in the cluster's VNet; otherwise data-lake stacks do not depend on clusters.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Protocol, TypedDict, TypeVar

from constructs import Construct

from constructs_lib import storage_spec
from constructs_lib.storage_spec import TierSpec
from stacks.base import PlatformStack
from stacks.context import BuildContext, ClusterHandle, DataLakeHandle
from stacks.logical_ids import PathLogicalIds
from stacks.params import Cluster, Environment
from stacks.residency import Residency

if TYPE_CHECKING:  # each cloud's provider package loads only when a lake of that cloud is built
    from constructs_lib.aws.data_lake import S3DataLake
    from constructs_lib.azure.data_lake import AzureDataLake
    from constructs_lib.gcp.data_lake import GcsDataLake

COMPONENT = "datalake"

Replica_co = TypeVar("Replica_co", covariant=True)


class ReplicaFactory(Protocol[Replica_co]):
    """A cloud's replica props class (S3Replica, GcsReplica, AzureReplica)."""

    def __call__(self, *, region: str, jurisdiction: str) -> Replica_co: ...


class LakeProps(TypedDict):
    """The props every cloud's data-lake construct takes alike."""

    region: str
    jurisdiction: str
    classifications: Sequence[str]
    zones: Sequence[str]
    tiers: TierSpec
    archive_retention_days: int
    access_log_retention_days: int
    force_destroy: bool
    erasure_days: dict[str, int]


def tier_spec(env: Environment) -> TierSpec:
    t = env.data_lake.tiers
    return TierSpec(
        warm_after_days=t.warm_after_days,
        cold_after_days=t.cold_after_days,
        noncurrent_cold_after_days=t.noncurrent_cold_after_days,
        noncurrent_expire_after_days=t.noncurrent_expire_after_days,
        abort_incomplete_multipart_days=t.abort_incomplete_multipart_days,
    )


class DataLakeStack(PathLogicalIds, PlatformStack):
    """The data lake of one cloud region (and, for replicable classifications, its replica)."""

    def __init__(
        self,
        scope: Construct,
        *,
        env: Environment,
        cluster: Cluster,
        residency: Residency,
        cluster_handle: ClusterHandle | None = None,
    ) -> None:
        super().__init__(scope, env=env, component=COMPONENT, cloud=cluster.cloud, region=cluster.region)
        lake = env.data_lake
        cloud, region, jurisdiction = cluster.cloud, cluster.region, cluster.jurisdiction
        self.cloud, self.region = cloud, region
        self.jurisdiction = jurisdiction
        self.classifications = tuple(
            c for c in lake.classifications if storage_spec.may_exist_in(c, jurisdiction)
        )
        self.replica_region = lake.replica_regions.get(region)
        self.replica_jurisdiction: str | None = None
        self.lake: S3DataLake | GcsDataLake | AzureDataLake
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
            if cluster_handle is not None and cluster_handle.private_endpoint_subnet_id:
                self._private_endpoints(cluster_handle, tags)

    def handles(self) -> list[DataLakeHandle]:
        """One handle per classification of this region's lake (its primary copy; replicas are
        read by nobody but the replication itself)."""
        from constructs_lib.aws.data_lake import S3DataLake
        from constructs_lib.gcp.data_lake import GcsDataLake

        handle = partial(
            DataLakeHandle, cloud=self.cloud, region=self.region, jurisdiction=self.jurisdiction, stack=self
        )
        lake = self.lake
        if isinstance(lake, S3DataLake):
            return [
                handle(
                    classification=c,
                    name=_literal(b.bucket.bucket_input, f"s3 bucket {c}"),
                    bucket_arn=b.bucket.arn,
                    kms_key_arn=b.key.arn if b.key is not None else None,
                )
                for c, b in lake.buckets.items()
            ]
        if isinstance(lake, GcsDataLake):
            return [
                handle(
                    classification=c,
                    name=_literal(b.bucket.name_input, f"gcs bucket {c}"),
                    bucket=b.bucket.name,
                )
                for c, b in lake.buckets.items()
            ]
        return [
            handle(
                classification=c,
                name=_literal(a.account.name_input, f"storage account {c}"),
                storage_account_id=a.account.id,
            )
            for c, a in lake.accounts.items()
        ]

    def _aws(self, region: str, tiers: TierSpec, tags: dict[str, str]) -> None:
        from cdktf_cdktf_provider_aws.provider import AwsProvider

        from constructs_lib.aws.data_lake import S3DataLake

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
            replica=self._replica(),
            **self._lake_props(region, tiers),
        )

    def _lake_props(self, region: str, tiers: TierSpec) -> LakeProps:
        """The props every cloud's data lake takes alike, from the environment's data_lake."""
        lake = self.env.data_lake
        return LakeProps(
            region=region,
            jurisdiction=self.jurisdiction,
            classifications=self.classifications,
            zones=lake.zones,
            tiers=tiers,
            archive_retention_days=lake.archive_retention_days,
            access_log_retention_days=lake.access_log_retention_days,
            force_destroy=lake.force_destroy,
            erasure_days=dict(lake.erasure_days.items()),
        )

    def _replica(self) -> storage_spec.Replica | None:
        """The replica (one type for the three clouds), or None where the environment declares no
        replica region."""
        if self.replica_region and self.replica_jurisdiction:
            return storage_spec.Replica(region=self.replica_region, jurisdiction=self.replica_jurisdiction)
        return None

    def _gcp(self, region: str, tiers: TierSpec, tags: dict[str, str]) -> None:
        from cdktf_cdktf_provider_google.provider import GoogleProvider

        from constructs_lib.gcp.data_lake import GcsDataLake

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
            replica=self._replica(),
            **self._lake_props(region, tiers),
        )

    def _azure(self, region: str, tiers: TierSpec, tags: dict[str, str]) -> None:
        from cdktf_cdktf_provider_azurerm.provider import (
            AzurermProvider,
            AzurermProviderFeatures,
            AzurermProviderFeaturesStorage,
        )

        from constructs_lib.azure.data_lake import AzureDataLake

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
            replica=self._replica(),
            # The archive's lock follows archive_lock_mode like S3 Object Lock and the GCS
            # retention lock do: COMPLIANCE locks it (CKV_MCAI_10). Left out, prod stayed Unlocked.
            immutability_locked=self.env.data_lake.archive_lock_mode == "COMPLIANCE",
            # The deployment runner's path to the vaults' data plane (params.Runner).
            key_vault_allowed_cidrs=[str(n) for n in self.env.runner.ip_ranges],
            key_vault_allowed_subnet_ids=list(self.env.runner.azure_subnet_ids),
            **self._lake_props(region, tiers),
        )

    def _private_endpoints(self, cluster: ClusterHandle, tags: dict[str, str]) -> None:
        """The region's AKS cluster reaches its lake privately: blob and dfs endpoints of every
        data account and a `vault` endpoint of the lake's Key Vault, in the cluster VNet's
        private-endpoint subnet, registered in the VNet's Private Link DNS zones (both from the
        cluster's handle). The accounts take no public traffic, so without these AKS could not
        reach its data at all. Replicas and the log account are written by Azure itself only."""
        from constructs_lib.azure.data_lake import AzureDataLake
        from constructs_lib.azure.private_link import PrivateEndpointTo

        lake = self.lake
        if not isinstance(lake, AzureDataLake):
            raise TypeError(f"{self.node.id}: private endpoints are for an Azure lake")
        endpoint = partial(
            PrivateEndpointTo,
            self,
            location=self.region,
            resource_group_name=lake.primary_resource_group.name,
            subnet_id=_literal(cluster.private_endpoint_subnet_id, "private_endpoint_subnet_id"),
            dns_zone_ids=cluster.private_dns_zone_ids,
            tags=tags,
        )
        for c, account in lake.accounts.items():
            for sub in ("blob", "dfs"):
                endpoint(
                    f"private_endpoint_{c}_{sub}",
                    name=f"pe-{account.account.name_input}-{sub}",
                    resource_id=account.account.id,
                    subresource=sub,
                )
        endpoint(
            "private_endpoint_key_vault",
            name=f"pe-{lake.primary_key_vault.name_input}",
            resource_id=lake.primary_key_vault.id,
            subresource="vault",
        )


def _literal(value: str | None, what: str) -> str:
    """A value the construct always sets, read back from the binding (typed optional there)."""
    if value is None:
        raise ValueError(f"data lake: {what} is not set")
    return value


def build(app: Construct, ctx: BuildContext) -> None:
    """One data-lake stack per distinct (cloud, region) of the environment's clusters."""
    env = ctx.env
    if not env.data_lake.enabled:
        return
    residency = ctx.residency
    seen: set[tuple[str, str]] = set()
    for cluster in env.clusters:
        if (cluster.cloud, cluster.region) in seen:
            continue
        seen.add((cluster.cloud, cluster.region))
        stack = DataLakeStack(
            app, env=env, cluster=cluster, residency=residency, cluster_handle=ctx.clusters.get(cluster.name)
        )
        for handle in stack.handles():
            ctx.register_data_lake(handle)
        rules = getattr(getattr(stack, "lake", None), "replication_rules", None)
        if cluster.cloud == "aws" and rules:
            from stacks.alerts_stack import ReplicationAlertsStack

            ReplicationAlertsStack(app, env=env, region=cluster.region, rules=rules)
