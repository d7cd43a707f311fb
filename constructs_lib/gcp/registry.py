"""An Artifact Registry Docker repository of one jurisdiction, in one region of it.

Resources (google 6.50): google_artifact_registry_repository (docker_config.immutable_tags,
vulnerability_scanning_config), google_artifact_registry_repository_iam_member (docs:
registry.terraform.io/providers/hashicorp/google/6.50.0/docs/resources/artifact_registry_repository).
A regional repository keeps images in its region; GKE clusters of the jurisdiction in other regions
pull across regions inside the jurisdiction (Artifact Registry has no replication of its own).
"""

from __future__ import annotations

from collections.abc import Mapping

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_google.artifact_registry_repository import (
    ArtifactRegistryRepository,
    ArtifactRegistryRepositoryDockerConfig,
    ArtifactRegistryRepositoryVulnerabilityScanningConfig,
)
from cdktf_cdktf_provider_google.artifact_registry_repository_iam_member import (
    ArtifactRegistryRepositoryIamMember,
)
from cdktf_cdktf_provider_google.data_google_project import DataGoogleProject
from cdktf_cdktf_provider_google.kms_crypto_key import KmsCryptoKey
from cdktf_cdktf_provider_google.kms_crypto_key_iam_member import KmsCryptoKeyIamMember
from cdktf_cdktf_provider_google.kms_key_ring import KmsKeyRing
from constructs import Construct

READER_ROLE = "roles/artifactregistry.reader"


class ArtifactRegistry(Construct):
    """Props:
    repository_id: the repository's name.
    project / location: where it lives (a region of the jurisdiction).
    reader_service_accounts: cluster name -> node service account email, granted roles/artifactregistry.reader on
      this repository only.
    immutable_tags: a tag cannot be moved to another image (default on).
    key_rotation_days: rotation of the customer-managed key that encrypts the images.
    scanning: INHERITED scans pushed images when the project has the Container Scanning API on
      (Artifact Analysis); DISABLED turns it off for this repository.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        repository_id: str,
        project: str,
        location: str,
        labels: dict[str, str],
        reader_service_accounts: Mapping[str, str] | None = None,
        immutable_tags: bool = True,
        scanning: str = "INHERITED",
        key_rotation_days: int = 90,
    ) -> None:
        super().__init__(scope, id_)
        # CMEK: the key sits in the repository's region (Artifact Registry requires the same
        # location) and only the Artifact Registry service agent of the project may use it.
        project_data = DataGoogleProject(self, "project", project_id=project)
        ring = KmsKeyRing(
            self, "key_ring", name=f"{repository_id}-registry", location=location, project=project
        )
        self.key = KmsCryptoKey(
            self,
            "key",
            name="artifact-registry",
            key_ring=ring.id,
            purpose="ENCRYPT_DECRYPT",
            rotation_period=f"{key_rotation_days * 86400}s",
            labels=labels,
            # Destroying the key makes every image in the repository unreadable.
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        key_use = KmsCryptoKeyIamMember(
            self,
            "key_registry_agent",
            crypto_key_id=self.key.id,
            role="roles/cloudkms.cryptoKeyEncrypterDecrypter",
            member=f"serviceAccount:service-{project_data.number}@gcp-sa-artifactregistry.iam.gserviceaccount.com",
        )
        self.repository = ArtifactRegistryRepository(
            self,
            "repository",
            repository_id=repository_id,
            project=project,
            location=location,
            format="DOCKER",
            description="Container images of the platform, kept in this jurisdiction",
            docker_config=ArtifactRegistryRepositoryDockerConfig(immutable_tags=immutable_tags),
            vulnerability_scanning_config=ArtifactRegistryRepositoryVulnerabilityScanningConfig(
                enablement_config=scanning
            ),
            kms_key_name=self.key.id,
            labels=labels,
            depends_on=[key_use],
        )
        for cluster, email in sorted((reader_service_accounts or {}).items()):
            ArtifactRegistryRepositoryIamMember(
                self,
                f"reader_{cluster.replace('-', '_')}",
                project=project,
                location=location,
                repository=self.repository.name,
                role=READER_ROLE,
                member=f"serviceAccount:{email}",
            )
