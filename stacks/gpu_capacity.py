"""Which regions (and, on GCP, zones) offer the GPU machines our pools ask for: a dated table.

The schema accepts any GPU machine in any region; the cloud refuses it at apply time (or, worse,
the autoscaler never gets a node) when the region does not offer it. This table is the capacity
fact validation checks a GPU pool against, and the alternatives it names.

AS_OF is the date the table was last compared with the clouds' pages; re-check it before relying
on a region that is not listed, and when adding one update the date:
- AWS: "Amazon EC2 instance types by Region"
  (https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-regions.html), or
  `aws ec2 describe-instance-type-offerings --location-type availability-zone --region R`.
- GCP: "GPU regions and zones availability" (https://cloud.google.com/compute/docs/gpus/gpu-regions-zones),
  or `gcloud compute accelerator-types list --filter=name=nvidia-tesla-a100`. GPUs are zonal on GCP.
- Azure: "Products available by region" (https://azure.microsoft.com/explore/global-infrastructure/products-by-region/)
  for the NC A100 v4 / NCads H100 v5 / NVadsA10 v5 series, or
  `az vm list-skus --location R --size Standard_NC --output table`.

A machine missing from the table for its cloud is not refused (the table lists what we use, not
the whole catalogue); a machine the table lists in a region it does not list is refused.

Pure Python: no cdktf import.
"""

from __future__ import annotations

from collections.abc import Iterable

AS_OF = "2026-11-30"

# cloud -> machine -> region -> zones offering it (GCP: zone suffixes; AWS/Azure: () = region-wide).
GPU_MACHINES: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "aws": {
        # G5 (NVIDIA A10G)
        "g5.12xlarge": dict.fromkeys(
            (
                "us-east-1",
                "us-east-2",
                "us-west-2",
                "ca-central-1",
                "eu-central-1",
                "eu-west-1",
                "eu-west-2",
                "eu-north-1",
                "ap-northeast-1",
                "ap-northeast-2",
                "ap-south-1",
                "ap-southeast-1",
                "ap-southeast-2",
                "sa-east-1",
            ),
            (),
        ),
        # P4d (NVIDIA A100 40 GB)
        "p4d.24xlarge": dict.fromkeys(
            ("us-east-1", "us-west-2", "eu-central-1", "eu-west-1", "ap-northeast-1"), ()
        ),
    },
    "gcp": {
        # A2 (NVIDIA A100 40 GB): a few zones per region, and not in europe-west1 or asia-east1.
        "a2-highgpu-1g": {
            "us-central1": ("a", "b", "c", "f"),
            "us-east1": ("b",),
            "us-west1": ("b",),
            "us-west3": ("b",),
            "us-west4": ("b",),
            "europe-west4": ("a", "b"),
            "asia-northeast1": ("a", "c"),
            "asia-northeast3": ("a", "b"),
            "asia-southeast1": ("b", "c"),
            "me-west1": ("a", "c"),
        },
        # G2 (NVIDIA L4): the inference machine offered in most regions.
        "g2-standard-12": {
            "us-central1": ("a", "b", "c"),
            "us-east1": ("b", "c", "d"),
            "us-east4": ("a", "c"),
            "us-west1": ("a", "b", "c"),
            "us-west4": ("a", "c"),
            "europe-west1": ("b", "c"),
            "europe-west2": ("a", "b"),
            "europe-west3": ("a", "b"),
            "europe-west4": ("a", "b", "c"),
            "asia-east1": ("a", "c"),
            "asia-northeast1": ("a", "c"),
            "asia-southeast1": ("a", "b", "c"),
        },
    },
    "azure": {
        # NC A100 v4
        "Standard_NC24ads_A100_v4": dict.fromkeys(
            (
                "eastus",
                "eastus2",
                "southcentralus",
                "westus2",
                "westus3",
                "westeurope",
                "northeurope",
                "swedencentral",
                "uksouth",
                "japaneast",
                "australiaeast",
            ),
            (),
        ),
    },
}


def offered(cloud: str, machine: str, region: str) -> tuple[str, ...] | None:
    """The zones (GCP) or () (region-wide) where `machine` is offered in `region`; None if the
    table says the region does not offer it; () also when the table does not know the machine."""
    regions = GPU_MACHINES.get(cloud, {}).get(machine)
    if regions is None:
        return ()
    return regions.get(region)


def alternatives(cloud: str, machine: str, region: str) -> tuple[list[str], list[str]]:
    """(other regions offering `machine`, other table machines offered in `region`)."""
    table = GPU_MACHINES.get(cloud, {})
    regions = sorted(r for r in table.get(machine, {}) if r != region)
    machines = sorted(m for m, regs in table.items() if m != machine and region in regs)
    return regions, machines


def gpu_capacity_problems(
    cloud: str, region: str, machine: str, zones: Iterable[str] | None = None
) -> list[str]:
    """Why `machine` cannot run in `region` (and `zones`, GCP zone names like `us-central1-a`),
    as messages naming the alternatives; [] when the table says it can."""
    where = offered(cloud, machine, region)
    if where is None:
        other_regions, other_machines = alternatives(cloud, machine, region)
        parts = [
            f"{cloud} does not offer {machine} in {region} (GPU table of stacks/gpu_capacity.py, {AS_OF})."
        ]
        if other_machines:
            parts.append(f"GPU machines offered there: {', '.join(other_machines)}.")
        if other_regions:
            parts.append(f"Regions offering {machine}: {', '.join(other_regions)}.")
        return [" ".join(parts)]
    if cloud == "gcp" and where and zones:
        missing = [z for z in zones if z.rsplit("-", 1)[-1] not in where]
        if missing:
            ok = ", ".join(f"{region}-{z}" for z in where)
            return [
                f"gcp offers {machine} in {region} only in zones {ok} ({AS_OF}); "
                f"not in {', '.join(missing)}: list only those zones for this cluster."
            ]
    return []
