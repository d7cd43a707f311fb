"""The one place that computes the common tags (AWS, Azure) and labels (GCP) of a resource.

Values follow the strictest rules of the three clouds (GCP labels): lowercase letters, digits,
`_` and `-`, at most 63 characters, so the same dictionary is valid everywhere and the policy
checks can compare values without case games.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_INVALID = re.compile(r"[^a-z0-9_-]+")


def label_value(value: str) -> str:
    """`Europe West/1` -> `europe-west-1`: a value every cloud accepts as a tag or label."""
    return _INVALID.sub("-", value.lower()).strip("-")[:63]


def common_tags(
    *,
    env: str,
    component: str,
    jurisdiction: str | None = None,
    data_classification: str | None = None,
    cluster: str | None = None,
    team: str | None = None,
    model: str | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """Tags every taggable resource carries.

    `jurisdiction` and `data_classification` are what the residency policies read; leave them
    out only on resources that hold no data (a route table, a NAT gateway).
    `team` and `model` (with `env`) are the cost-allocation keys: the AWS Cost Explorer tags the
    budget stack activates, the GCP billing export's labels, Azure Cost Management's tags.
    `extra` (the environment's own tags) never overrides the keys computed here.
    """
    tags = {k: label_value(v) for k, v in (extra or {}).items()}
    tags.update({"env": label_value(env), "component": label_value(component), "managed_by": "cdktf"})
    if cluster:
        tags["cluster"] = label_value(cluster)
    if team:
        tags["team"] = label_value(team)
    if model:
        tags["model"] = label_value(model)
    if jurisdiction:
        tags["jurisdiction"] = label_value(jurisdiction)
    if data_classification:
        tags["data_classification"] = label_value(data_classification)
    return dict(sorted(tags.items()))


def data_tags(
    base: Mapping[str, str],
    classification: str | None,
    jurisdiction: str,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The common tags of a data resource plus what it holds: `extra` (label-safe values),
    `data_classification` (when given) and `jurisdiction`, key-sorted. One helper for S3 tags,
    GCS labels and Azure tags alike."""
    tags = dict(base)
    tags.update({k: label_value(v) for k, v in (extra or {}).items()})
    if classification:
        tags["data_classification"] = classification
    tags["jurisdiction"] = jurisdiction
    return dict(sorted(tags.items()))
