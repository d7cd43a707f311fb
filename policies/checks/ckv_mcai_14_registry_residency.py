"""CKV_MCAI_14: a container registry, and every copy it makes, stays in its jurisdiction.

Images of models and serving code are data under the residency map too (a model baked into an
image is the model). A registry must carry a jurisdiction tag of policies/residency.yaml and be
located in one of its regions: ECR repositories by their `region` argument or provider, an ECR
replication configuration by its own region and every destination `region`, Artifact Registry by its
single-region `location` (a multi-region such as `us` or `europe` is refused: it cannot be told
apart from a neighbour jurisdiction on the plan), ACR by `location` and every `georeplications`
location. A location that cannot be known (a token) fails.
"""

from __future__ import annotations

from typing import Any

from mcai_lib import (
    McaiCheck,
    aws_region,
    in_jurisdiction,
    is_token,
    jurisdictions,
    listing,
    norm_azure,
    regions,
    scalar,
    tags_of,
)


def nested(value: Any, *path: str) -> list[Any]:
    """Values at `path` inside nested blocks, whether checkov wrapped them in lists or not."""
    items = value if isinstance(value, list) else [value]
    if not path:
        return [scalar(v) for v in items if scalar(v) is not None]
    found: list[Any] = []
    for item in items:
        while isinstance(item, list) and len(item) == 1:
            item = item[0]
        if isinstance(item, list):
            found += nested(item, *path)
        elif isinstance(item, dict) and path[0] in item:
            found += nested(item[path[0]], *path[1:])
    return found


class RegistryResidency(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_14")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        stack = self.stack()
        t = self.entity_type
        # the replication configuration has no tags of its own: the provider's default tags
        jurisdiction = tags_of(t, conf, stack).get("jurisdiction")
        if jurisdiction not in jurisdictions():
            return [
                f"registry with jurisdiction={jurisdiction!r}: tag it with one of {listing(jurisdictions())}"
            ]
        cloud = {"aws": "aws", "google": "gcp", "azurerm": "azure"}[t.split("_", 1)[0]]
        places: list[tuple[Any, str]] = []
        if cloud == "aws":
            region, how = aws_region(conf, stack)
            places.append((region, how))
            for dest in nested(conf.get("replication_configuration"), "rule", "destination", "region"):
                places.append((dest, f"replication destination {dest}"))
        elif cloud == "gcp":
            location = scalar(conf.get("location"))
            places.append((location, f"location {location}"))
        else:
            location = scalar(conf.get("location"))
            places.append((location, f"location {location}"))
            for loc in nested(conf.get("georeplications"), "location"):
                places.append((loc, f"geo-replica in {loc}"))
        problems = []
        allowed = listing(regions(jurisdiction, cloud))
        for place, how in places:
            if not isinstance(place, str) or is_token(place):
                problems.append(f"registry location cannot be determined ({how})")
                continue
            loc = norm_azure(place) if cloud == "azure" else place
            if not in_jurisdiction(cloud, loc, jurisdiction):
                problems.append(
                    f"registry of jurisdiction {jurisdiction}: {how} is outside it; allowed: {allowed}"
                )
        return problems


check = RegistryResidency()
