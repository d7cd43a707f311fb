"""Dated facts about what each cloud accepts: Kubernetes minors, machine families, zones.

Maintained tables, not beliefs: each says where it comes from and when it was checked. When a
cloud adds a minor version or retires one, edit the table and its date in the same commit.
"""

from __future__ import annotations

import re

# Kubernetes minor versions each managed service offers for new clusters (standard or extended
# support). Checked 2026-11-30 against:
# - EKS: https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (14 months of
#   standard support + 12 of extended) and https://endoflife.date/amazon-eks (1.32 extended to
#   2027-03-23, 1.33 to 2027-07-29, 1.34 to 2027-12-02, 1.35 to 2028-03-27; 1.31 ended 2026-11-26).
# - GKE: https://endoflife.date/api/v1/products/google-kubernetes-engine (generated 2026-04-10):
#   1.33 maintained to 2026-08-03 with extended channel after, 1.34 to 2026-10-01 (+ extended
#   channel, up to 24 months from Regular availability per
#   https://cloud.google.com/kubernetes-engine/versioning), 1.35 to 2027-04-11.
# - AKS: https://learn.microsoft.com/en-us/azure/aks/supported-kubernetes-versions (12 months of
#   support per GA minor, N-2 window; LTS for selected minors).
# The newest minors published after those pages (1.36) are left out until checked.
KUBERNETES_MINORS_CHECKED = "2026-11-30"
KUBERNETES_MINORS: dict[str, tuple[str, ...]] = {
    "aws": ("1.32", "1.33", "1.34", "1.35"),
    "gcp": ("1.33", "1.34", "1.35"),
    "azure": ("1.33", "1.34", "1.35"),
}

# Machine families per cloud, for every pool. A type of another cloud (m5.2xlarge on GKE) or a
# made-up one fails here instead of at apply time. Names as the clouds spell them:
# EC2 `<family>.<size>` (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html),
# Compute Engine `<series>-<type>-<vCPUs>` (https://cloud.google.com/compute/docs/machine-resource),
# Azure `Standard_<family><vCPUs>...` (https://learn.microsoft.com/azure/virtual-machines/vm-naming-conventions).
# Checked 2026-11-30.
MACHINE_FAMILIES_CHECKED = "2026-11-30"
MACHINE_TYPES: dict[str, re.Pattern[str]] = {
    "aws": re.compile(
        r"^(m5|m5a|m5n|m6i|m6a|m6g|m7i|m7a|m7g|m8g|c5|c5n|c6i|c6a|c6g|c7i|c7a|c7g|r5|r6i|r6a|r6g|r7i|r7a|r7g|"
        r"t3|t3a|g4dn|g4ad|g5|g5g|g6|g6e|gr6|p3|p3dn|p4d|p4de|p5|p5e|p5en|p6-b200|trn1|trn2|inf2)\."
        r"(medium|large|[0-9]*xlarge|metal)$"
    ),
    "gcp": re.compile(
        r"^(e2|n1|n2|n2d|n4|c2|c2d|c3|c3d|c4|c4a|c4d|t2d|t2a|m1|m2|m3|a2|a3|a4|g2)-"
        r"(standard|highmem|highcpu|megamem|ultramem|highgpu|megagpu|ultragpu|edgegpu)-[0-9]+[a-z]*$"
    ),
    "azure": re.compile(r"^Standard_(B|D|E|F|L|M|NC|ND|NV|NG)[0-9]+[a-z]*(_[A-Za-z0-9]+)*(_v[0-9])?$"),
}
MACHINE_EXAMPLES = {"aws": "m6i.xlarge", "gcp": "n2-standard-8", "azure": "Standard_D8s_v5"}


def zone_in_region(cloud: str, region: str, zone: str) -> bool:
    """EC2: `<region><letter>`; Compute Engine: `<region>-<letter>`; Azure: zone numbers 1-3."""
    if cloud == "aws":
        return re.fullmatch(re.escape(region) + r"[a-z]", zone) is not None
    if cloud == "gcp":
        return re.fullmatch(re.escape(region) + r"-[a-z]", zone) is not None
    return zone in {"1", "2", "3"}


ZONE_EXAMPLES = {"aws": "{region}a", "gcp": "{region}-b", "azure": "1"}
