"""Shared machinery of the custom checks: the residency map, checkov's list-wrapped values, and the
whole stack file for facts that live outside the resource (provider regions, referenced resources).

Why read the stack file: checkov hands a Python check one resource's configuration only, but the
residency rules need its neighbours: which region the `aws.replica` provider is in, which bucket a
replication configuration copies, which pools a load balancer references. cdktf writes one
self-contained cdk.tf.json per stack, so everything a check needs is in the file it is scanning.
checkov tells a check the scanned file only relative to where it was started (`-f`: the working
directory; `-d DIR`: DIR). policies/run.py uses `-f`; anyone running `checkov -d DIR` by hand sets
MCAI_POLICY_ROOT=DIR. A check that cannot find its file fails closed and says so.

checkov loads every .py in this folder as a module; this one registers nothing.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mcai_catalog import CATALOG

RESIDENCY_FILE = Path(__file__).resolve().parent.parent / "residency.yaml"
ROOT_ENV = "MCAI_POLICY_ROOT"

CLASSIFICATIONS = ("pii", "training", "models", "models-gdpr", "archive")
COMMON_TAGS = ("env", "component", "managed_by")
TAG_VALUE = re.compile(r"^[a-z0-9_-]+$")
GDPR_JURISDICTION = "eu"


# ---------------------------------------------------------------------------------------------
# residency map


@lru_cache(maxsize=1)
def residency() -> dict[str, dict[str, list[str]]]:
    with RESIDENCY_FILE.open() as fh:
        data = yaml.safe_load(fh) or {}
    jurisdictions = data.get("jurisdictions")
    if not isinstance(jurisdictions, dict) or not jurisdictions:
        raise ValueError(f"{RESIDENCY_FILE}: key 'jurisdictions' must map jurisdiction -> clouds")
    return jurisdictions


def jurisdictions() -> list[str]:
    return list(residency())


def regions(jurisdiction: str, cloud: str) -> list[str]:
    """Regions of `cloud` (aws, gcp, azure, gcs_multi_regions, ...) in `jurisdiction`, as listed."""
    return list(residency().get(jurisdiction, {}).get(cloud, []) or [])


def all_regions(cloud: str) -> set[str]:
    return {r for j in residency() for r in regions(j, cloud)}


def norm_gcp(location: str) -> str:
    return location.strip().lower()


def norm_azure(location: str) -> str:
    """Azure accepts display names too: 'West Europe' is 'westeurope'."""
    return location.replace(" ", "").strip().lower()


# ---------------------------------------------------------------------------------------------
# checkov configuration values (hclified: scalars arrive as [value], blocks as [{...}])


def scalar(value: Any) -> Any:
    """The value behind checkov's list wrapping: [x] -> x, [[x]] -> x, [] -> None."""
    while isinstance(value, list):
        if not value:
            return None
        value = value[0]
    return value


def mapping(value: Any) -> dict[str, Any]:
    """A map or single block as a plain dict of scalars ({} when absent or not a map)."""
    while isinstance(value, list):
        if not value:
            return {}
        value = value[0]
    if not isinstance(value, dict):
        return {}
    return {k: scalar(v) for k, v in value.items() if k != "//"}


def strings(value: Any) -> Iterator[str]:
    """Every string inside a (possibly nested) value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k != "//":
                yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def truthy(value: Any) -> bool:
    v = scalar(value)
    if isinstance(v, str):
        return v.strip().lower() == "true"
    return bool(v)


_INTERPOLATION = re.compile(r"\$\{(.*?)\}", re.S)


def refs_to(value: Any, resource_type: str) -> list[str]:
    """Names of `resource_type` resources referenced (`${type.name.attr}`) anywhere in value."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(resource_type)}\.([A-Za-z0-9_-]+)")
    found: list[str] = []
    for s in strings(value):
        for expr in _INTERPOLATION.findall(s):
            for name in pattern.findall(expr):
                if name not in found:
                    found.append(name)
    return found


def is_token(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


# ---------------------------------------------------------------------------------------------
# the stack file


class StackFile:
    """One parsed cdk.tf.json (raw Terraform JSON, no list wrapping)."""

    def __init__(self, path: Path, data: dict[str, Any]):
        self.path = path
        self.data = data

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return (self.data.get("resource") or {}).get(resource_type) or {}

    def resource(self, resource_type: str, name: str) -> dict[str, Any] | None:
        return self.resources(resource_type).get(name)

    def providers(self, provider: str) -> list[dict[str, Any]]:
        configs = (self.data.get("provider") or {}).get(provider) or []
        return [configs] if isinstance(configs, dict) else list(configs)

    def provider_config(self, provider: str, ref: str | None) -> dict[str, Any] | None:
        """The provider block a resource uses: `provider = "aws.replica"` or the default (no alias)."""
        alias = ref.split(".", 1)[1] if ref and "." in ref else None
        for config in self.providers(provider):
            if (config.get("alias") or None) == alias:
                return config
        return None


_stack_cache: dict[Path, StackFile | None] = {}


def _load(path: Path) -> StackFile | None:
    if path not in _stack_cache:
        try:
            with path.open() as fh:
                _stack_cache[path] = StackFile(path, json.load(fh))
        except (OSError, ValueError):
            _stack_cache[path] = None
    return _stack_cache[path]


def stack_file(scanned_file: str, resource_type: str, name: str) -> StackFile | None:
    """The file checkov is scanning, found from its root-relative name; None if not found.

    The file must hold the resource being checked, so a same-named file elsewhere is never used.
    """
    relative = scanned_file.lstrip("/")
    roots = [Path.cwd()]
    if os.environ.get(ROOT_ENV):
        roots.insert(0, Path(os.environ[ROOT_ENV]))
    for root in roots:
        path = (root / relative).resolve()
        stack = _load(path) if path.is_file() else None
        if stack is not None and stack.resource(resource_type, name) is not None:
            return stack
    return None


# ---------------------------------------------------------------------------------------------
# facts about resources, from a raw (stack file) or hclified (checkov) configuration


def tags_of(resource_type: str, conf: dict[str, Any], stack: StackFile | None) -> dict[str, Any]:
    """Effective tags/labels: provider default tags/labels overlaid by the resource's own."""
    own_key = "labels" if resource_type.startswith("google_") else "tags"
    effective: dict[str, Any] = {}
    provider_name = resource_type.split("_", 1)[0]
    if stack is not None and provider_name in ("aws", "google"):
        provider = stack.provider_config(provider_name, scalar(conf.get("provider")))
        if provider:
            if provider_name == "aws":
                # default_tags is a block: [{"tags": {...}}]
                effective.update(mapping(mapping(provider.get("default_tags")).get("tags")))
            else:
                effective.update(mapping(provider.get("default_labels")))
    effective.update(mapping(conf.get(own_key)))
    return effective


def aws_region(conf: dict[str, Any], stack: StackFile | None) -> tuple[str | None, str]:
    """(region, where it came from) of an AWS resource; region None when it cannot be known."""
    region = scalar(conf.get("region"))
    if region:
        return (None if is_token(region) else region), f"its region argument ({region})"
    ref = scalar(conf.get("provider")) or "aws"
    if stack is None:
        return None, f"provider {ref}, whose region is in the stack file"
    provider = stack.provider_config("aws", ref)
    if provider is None:
        return None, f"provider {ref}, which this stack does not configure"
    region = provider.get("region")
    if not region or is_token(region):
        return None, f"provider {ref}, which sets no literal region"
    return region, f"provider {ref} (region {region})"


def gcp_key_location(conf: dict[str, Any], stack: StackFile | None) -> tuple[str | None, str]:
    """Location of a google_kms_crypto_key: its key ring's (in the stack, or parsed from the id)."""
    key_ring = scalar(conf.get("key_ring"))
    if not isinstance(key_ring, str):
        return None, "no key_ring"
    names = refs_to(key_ring, "google_kms_key_ring")
    if names:
        ring = stack.resource("google_kms_key_ring", names[0]) if stack else None
        if ring is None:
            return None, f"key ring google_kms_key_ring.{names[0]} not found in this stack"
        location = ring.get("location")
        if not isinstance(location, str) or is_token(location):
            return None, f"key ring google_kms_key_ring.{names[0]} has no literal location"
        return norm_gcp(location), f"key ring google_kms_key_ring.{names[0]} ({location})"
    match = re.search(r"locations/([^/]+)/keyRings/", key_ring)
    if match:
        return norm_gcp(match.group(1)), f"key ring id {key_ring}"
    return None, f"key_ring {key_ring} names no location"


def azure_key_location(conf: dict[str, Any], stack: StackFile | None) -> tuple[str | None, str]:
    """Location of an azurerm_key_vault_key: its key vault's."""
    names = refs_to(conf.get("key_vault_id"), "azurerm_key_vault")
    if not names:
        return None, "key_vault_id does not reference a key vault of this stack"
    vault = stack.resource("azurerm_key_vault", names[0]) if stack else None
    if vault is None:
        return None, f"key vault azurerm_key_vault.{names[0]} not found in this stack"
    location = vault.get("location")
    if not isinstance(location, str) or is_token(location):
        return None, f"key vault azurerm_key_vault.{names[0]} has no literal location"
    return norm_azure(location), f"key vault azurerm_key_vault.{names[0]} ({location})"


def s3_buckets_named(value: Any, stack: StackFile | None) -> tuple[list[str], list[str]]:
    """(names of the stack's aws_s3_bucket resources, unresolved values) for a bucket value.

    A value is a reference (`${aws_s3_bucket.x.arn}`), a bucket name or an `arn:aws:s3:::name`.
    """
    buckets = stack.resources("aws_s3_bucket") if stack is not None else {}
    found: list[str] = []
    unresolved: list[str] = []
    for s in strings(value):
        names = refs_to(s, "aws_s3_bucket")
        if not names:
            literal = s.removeprefix("arn:aws:s3:::")
            names = [n for n, b in buckets.items() if b.get("bucket") == literal]
        if not names or any(n not in buckets for n in names):
            unresolved.append(s)
        found += [n for n in names if n in buckets and n not in found]
    return found, unresolved


# ---------------------------------------------------------------------------------------------
# the base class


class McaiCheck(BaseResourceCheck):
    """A custom check described in mcai_catalog.CATALOG.

    Subclasses implement `problems(conf)`: a list of findings (empty: passed). The fix text of the
    catalog is the check's `guideline`, so it travels in checkov's own JSON/CLI output too. A check
    that raises fails closed (checkov would otherwise turn the exception into an unreported UNKNOWN).
    """

    def __init__(self, check_id: str) -> None:
        meta = CATALOG[check_id]
        super().__init__(
            name=meta.name,
            id=meta.id,
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=meta.resources,
            guideline=meta.fix,
        )

    # entity_path is "<scanned file>:<type>:<name>", set by checkov before each scan
    @property
    def scanned_file(self) -> str:
        return self.entity_path.rsplit(":", 2)[0]

    @property
    def entity_name(self) -> str:
        return self.entity_path.rsplit(":", 2)[2]

    def stack(self) -> StackFile | None:
        found = stack_file(self.scanned_file, self.entity_type, self.entity_name)
        self._stack_missing = found is None
        return found

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self._stack_missing = False
        try:
            problems = self.problems(conf)
        except Exception as exc:
            problems = [f"the check crashed ({type(exc).__name__}: {exc}); fix policies/checks"]
        if problems and self._stack_missing:
            problems.insert(
                0,
                f"stack file {self.scanned_file} not found, so nothing outside this resource could be "
                f"checked: run policies/run.py, or set {ROOT_ENV} to checkov's -d directory",
            )
        self.details.extend(problems)
        return CheckResult.FAILED if problems else CheckResult.PASSED

    def problems(self, conf: dict[str, Any]) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    # helpers shared by the residency checks -------------------------------------------------

    def classification(self, conf: dict[str, Any], stack: StackFile | None) -> tuple[str | None, str | None]:
        tags = tags_of(self.entity_type, conf, stack)
        return tags.get("data_classification"), tags.get("jurisdiction")

    def location(self, conf: dict[str, Any], stack: StackFile | None) -> tuple[str, str | None, str]:
        """(cloud, location or None, where it came from) of a storage resource or key."""
        t = self.entity_type
        if t.startswith("aws_"):
            region, how = aws_region(conf, stack)
            return "aws", region, how
        if t == "google_storage_bucket":
            location = scalar(conf.get("location"))
            if not isinstance(location, str) or is_token(location):
                return "gcp", None, "location is not a literal"
            return "gcp", location, f"location {location}"
        if t == "google_kms_crypto_key":
            location, how = gcp_key_location(conf, stack)
            return "gcp", location, how
        if t == "azurerm_key_vault_key":
            location, how = azure_key_location(conf, stack)
            return "azure", location, how
        if t.startswith("azurerm_"):
            location = scalar(conf.get("location"))
            if not isinstance(location, str) or is_token(location):
                return "azure", None, "location is not a literal"
            return "azure", norm_azure(location), f"location {location}"
        raise ValueError(f"no location rule for {t}")


def in_jurisdiction(cloud: str, location: str, jurisdiction: str, *, gcs_multi_ok: bool = False) -> bool:
    if cloud == "gcp":
        if norm_gcp(location) in regions(jurisdiction, "gcp"):
            return True
        return gcs_multi_ok and location.strip().upper() in regions(jurisdiction, "gcs_multi_regions")
    if cloud == "azure":
        return norm_azure(location) in regions(jurisdiction, "azure")
    return location in regions(jurisdiction, cloud)


def listing(items: Iterable[str]) -> str:
    return ", ".join(items) or "(none listed)"


class RawResourceCheck(McaiCheck):
    """A check that reads the resource as written in its stack file (references unresolved, so a
    `${type.name.attr}` says which resource an argument points at). Subclasses implement
    `raw_problems(raw, stack)`; a resource the stack file does not hold fails."""

    def problems(self, conf: dict[str, Any]) -> list[str]:
        stack = self.stack()
        raw = stack.resource(self.entity_type, self.entity_name) if stack else None
        if stack is None or raw is None:
            return ["cannot read the resource from its stack file"]
        return self.raw_problems(raw, stack)

    def raw_problems(self, raw: dict[str, Any], stack: StackFile) -> list[str]:  # pragma: no cover
        raise NotImplementedError
