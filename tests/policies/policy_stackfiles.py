"""Small cdk.tf.json files shaped like cdktf output, for the policy tests.

Layout and shape follow `cdktf synth`: <out>/stacks/<stack-id>/cdk.tf.json with the "//" metadata
blocks, provider lists, resources keyed type -> name, and a terraform block; keys sorted and
2-space indented like cdktf writes them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COMMON = {"env": "prod", "component": "datalake", "managed_by": "cdktf"}

REQUIRED_PROVIDERS = {
    "aws": {"source": "aws", "version": "6.25.0"},
    "google": {"source": "google", "version": "6.50.0"},
    "azurerm": {"source": "azurerm", "version": "4.55.0"},
    "cloudflare": {"source": "cloudflare/cloudflare", "version": "5.14.0"},
}


def tags(classification: str, jurisdiction: str, **extra: str) -> dict[str, str]:
    """Classification tags; the common ones come from the provider's default tags/labels."""
    return {"data_classification": classification, "jurisdiction": jurisdiction, **extra}


def full_tags(classification: str, jurisdiction: str) -> dict[str, str]:
    """All contract tags on the resource itself (Azure has no provider default tags)."""
    return {**COMMON, **tags(classification, jurisdiction)}


def stack(
    stack_id: str, *, providers: dict[str, list[dict[str, Any]]], resources: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """A cdktf-shaped stack. resources: {"type.name": config}."""
    by_type: dict[str, dict[str, Any]] = {}
    for address, config in resources.items():
        rtype, name = address.split(".", 1)
        meta = {"//": {"metadata": {"path": f"{stack_id}/{name}", "uniqueId": name}}}
        by_type.setdefault(rtype, {})[name] = {**meta, **config}
    return {
        "//": {"metadata": {"backend": "local", "stackName": stack_id, "version": "0.21.0"}, "outputs": {}},
        "provider": providers,
        "resource": by_type,
        "terraform": {
            "backend": {"local": {"path": f"terraform.{stack_id}.tfstate"}},
            "required_providers": {p: REQUIRED_PROVIDERS[p] for p in providers},
        },
    }


def write(out: Path, stacks: list[dict[str, Any]]) -> Path:
    for s in stacks:
        path = out / "stacks" / s["//"]["metadata"]["stackName"] / "cdk.tf.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(s, indent=2, sort_keys=True))
    (out / "manifest.json").write_text(
        json.dumps({"version": "0.21.0", "stacks": {s["//"]["metadata"]["stackName"]: {} for s in stacks}})
    )
    return out


def ref(address: str, attribute: str = "id") -> str:
    return "${" + f"{address}.{attribute}" + "}"
