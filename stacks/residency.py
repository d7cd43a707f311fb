"""The residency map (policies/residency.yaml) as a small typed object.

One map serves parameter validation, the stacks (which regions may hold a replica, which
Cloudflare regions route to which clusters) and the checkov residency checks, which read the
same YAML file from their own environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

RESIDENCY_FILE = Path(__file__).resolve().parent.parent / "policies" / "residency.yaml"
CLOUDS = ("aws", "gcp", "azure")


@dataclass(frozen=True)
class Residency:
    """jurisdiction -> cloud -> allowed regions, plus GCS multi-regions and Cloudflare regions."""

    regions: dict[str, dict[str, tuple[str, ...]]]
    gcs_multi_regions: dict[str, tuple[str, ...]]
    cloudflare_regions: dict[str, tuple[str, ...]]

    @property
    def jurisdictions(self) -> tuple[str, ...]:
        return tuple(self.regions)

    def regions_of(self, jurisdiction: str, cloud: str) -> tuple[str, ...]:
        return self.regions.get(jurisdiction, {}).get(cloud, ())

    def known_regions(self, cloud: str) -> tuple[str, ...]:
        return tuple(r for j in self.regions for r in self.regions[j].get(cloud, ()))

    def jurisdiction_of(self, cloud: str, region: str) -> str | None:
        for j, per_cloud in self.regions.items():
            if region in per_cloud.get(cloud, ()):
                return j
        return None

    def cloud_of(self, region: str) -> str | None:
        for cloud in CLOUDS:
            if region in self.known_regions(cloud):
                return cloud
        return None


def parse_residency(data: Mapping[str, Any]) -> Residency:
    regions: dict[str, dict[str, tuple[str, ...]]] = {}
    gcs: dict[str, tuple[str, ...]] = {}
    cf: dict[str, tuple[str, ...]] = {}
    for j, entry in (data.get("jurisdictions") or {}).items():
        regions[j] = {c: tuple(entry.get(c) or ()) for c in CLOUDS}
        gcs[j] = tuple(entry.get("gcs_multi_regions") or ())
        cf[j] = tuple(entry.get("cloudflare_regions") or ())
    return Residency(regions=regions, gcs_multi_regions=gcs, cloudflare_regions=cf)


@cache
def load_residency(path: Path = RESIDENCY_FILE) -> Residency:
    with open(path, encoding="utf-8") as fh:
        return parse_residency(yaml.safe_load(fh))
