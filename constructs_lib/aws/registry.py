"""ECR repositories of one jurisdiction: a home region plus replicas in the jurisdiction's other
regions, nothing outside it.

Resources (aws 6.25): aws_ecr_repository, aws_ecr_repository_policy,
aws_ecr_replication_configuration (docs: registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/
resources/ecr_repository, ecr_replication_configuration). Replicas are placed with the aws 6
per-resource `region` argument, so one provider serves the whole jurisdiction and the residency
check reads each repository's region from the resource itself.

Secure by default: tags immutable (a tag always names the image that was scanned and signed off),
scan on push, encryption with KMS (the account's aws/ecr key; `kms_key_arn` for a customer key),
the repository policy names the pulling node roles.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.ecr_replication_configuration import (
    EcrReplicationConfiguration,
    EcrReplicationConfigurationReplicationConfiguration,
    EcrReplicationConfigurationReplicationConfigurationRule,
    EcrReplicationConfigurationReplicationConfigurationRuleDestination,
    EcrReplicationConfigurationReplicationConfigurationRuleRepositoryFilter,
)
from cdktf_cdktf_provider_aws.ecr_repository import (
    EcrRepository,
    EcrRepositoryEncryptionConfiguration,
    EcrRepositoryImageScanningConfiguration,
)
from cdktf_cdktf_provider_aws.ecr_repository_policy import EcrRepositoryPolicy
from constructs import Construct

from constructs_lib.aws.iam import policy_document

# Read-only image pull (the actions of the AWS managed policy AmazonEC2ContainerRegistryPullOnly).
PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")


class EcrRegistry(Construct):
    """Props:
    prefix: repository name prefix (`prod`): repositories are `<prefix>/<name>`, and replication
      copies exactly the repositories under it.
    repositories: repository names.
    home_region / replica_regions: where pushes land and where they are copied (the caller passes
      only regions of one jurisdiction; the residency policy checks it again on the plan).
    account_id: the registry id of the replication destinations (this account).
    pull_role_arns: node roles that pull; left empty, only IAM policies of the account decide.
    immutable_tags / scan_on_push: secure defaults, named to turn off.
    kms_key_arn: a customer-managed key; left out, the AWS-managed aws/ecr key.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        prefix: str,
        repositories: Sequence[str],
        home_region: str,
        replica_regions: Sequence[str],
        account_id: str,
        tags: dict[str, str],
        pull_role_arns: Sequence[str] = (),
        immutable_tags: bool = True,
        scan_on_push: bool = True,
        kms_key_arn: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self.repositories: dict[tuple[str, str], EcrRepository] = {}
        for region in (home_region, *replica_regions):
            for repo in repositories:
                rid = f"{repo.replace('-', '_')}_{region.replace('-', '_')}"
                r = EcrRepository(
                    self,
                    rid,
                    name=f"{prefix}/{repo}",
                    region=region,
                    image_tag_mutability="IMMUTABLE" if immutable_tags else "MUTABLE",
                    image_scanning_configuration=EcrRepositoryImageScanningConfiguration(
                        scan_on_push=scan_on_push
                    ),
                    encryption_configuration=[
                        EcrRepositoryEncryptionConfiguration(encryption_type="KMS", kms_key=kms_key_arn)
                    ],
                    tags=tags,
                )
                self.repositories[(region, repo)] = r
                if pull_role_arns:
                    EcrRepositoryPolicy(
                        self,
                        f"{rid}_pull",
                        repository=r.name,
                        region=region,
                        policy=policy_document(
                            [
                                {
                                    "Sid": "NodesPull",
                                    "Effect": "Allow",
                                    "Principal": {"AWS": list(pull_role_arns)},
                                    "Action": list(PULL_ACTIONS),
                                }
                            ]
                        ),
                    )
        if replica_regions:
            # One replication configuration per registry (account and region): the home region's.
            # The replicas exist before the first push (declared above), so they carry the same
            # settings instead of the defaults ECR would give a repository it creates itself.
            EcrReplicationConfiguration(
                self,
                "replication",
                region=home_region,
                replication_configuration=EcrReplicationConfigurationReplicationConfiguration(
                    rule=[
                        EcrReplicationConfigurationReplicationConfigurationRule(
                            destination=[
                                EcrReplicationConfigurationReplicationConfigurationRuleDestination(
                                    region=r, registry_id=account_id
                                )
                                for r in replica_regions
                            ],
                            repository_filter=[
                                EcrReplicationConfigurationReplicationConfigurationRuleRepositoryFilter(
                                    filter=f"{prefix}/", filter_type="PREFIX_MATCH"
                                )
                            ],
                        )
                    ]
                ),
                depends_on=list(self.repositories.values()),
            )
