"""What "read" and "write" on a data-lake classification mean on each cloud, in one place.

The environment file says which platform role may read or write which classification
(vault.roles[].data_access); this table turns the level into each cloud's permissions, granted on
the buckets / storage accounts of that classification only (stacks/data_grants.py):

| level | AWS (IAM on the bucket, KMS on its key)          | GCP (on the bucket)        | Azure (on the account)        |
|-------|--------------------------------------------------|----------------------------|-------------------------------|
| read  | s3:ListBucket, s3:GetObject(+Version); kms:Decrypt | roles/storage.objectViewer | Storage Blob Data Reader      |
| write | read + s3:PutObject, s3:DeleteObject, multipart; kms:GenerateDataKey | roles/storage.objectUser | Storage Blob Data Contributor |

Sources: S3 actions and SSE-KMS needs (kms:Decrypt to read, kms:GenerateDataKey as well to
write): https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html ;
GCS predefined roles (objectViewer: objects.get/list; objectUser: + create/delete/update, no IAM):
https://cloud.google.com/storage/docs/access-control/iam-roles ; Azure built-in roles
"Storage Blob Data Reader/Contributor": https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage .
GCS customer-managed keys are used by the Cloud Storage service agent and Azure's by the account's
own identity, so only AWS grants key use to the reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AccessLevel = Literal["read", "write"]
LEVELS: tuple[AccessLevel, ...] = ("read", "write")


@dataclass(frozen=True)
class CloudPermissions:
    s3_actions: tuple[str, ...]
    kms_actions: tuple[str, ...]
    gcs_role: str
    azure_role: str


PERMISSIONS: dict[str, CloudPermissions] = {
    "read": CloudPermissions(
        s3_actions=("s3:GetBucketLocation", "s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"),
        kms_actions=("kms:Decrypt",),
        gcs_role="roles/storage.objectViewer",
        azure_role="Storage Blob Data Reader",
    ),
    "write": CloudPermissions(
        s3_actions=(
            "s3:AbortMultipartUpload",
            "s3:DeleteObject",
            "s3:GetBucketLocation",
            "s3:GetObject",
            "s3:GetObjectVersion",
            "s3:ListBucket",
            "s3:ListBucketMultipartUploads",
            "s3:PutObject",
        ),
        kms_actions=("kms:Decrypt", "kms:GenerateDataKey"),
        gcs_role="roles/storage.objectUser",
        azure_role="Storage Blob Data Contributor",
    ),
}

# Built-in Azure roles that reach blob data: never assigned above a storage account.
AZURE_DATA_ROLES = frozenset(
    {"Storage Blob Data Reader", "Storage Blob Data Contributor", "Storage Blob Data Owner"}
)


def permissions(level: str) -> CloudPermissions:
    try:
        return PERMISSIONS[level]
    except KeyError:
        raise ValueError(f"data access level '{level}' is not one of {', '.join(LEVELS)}") from None
