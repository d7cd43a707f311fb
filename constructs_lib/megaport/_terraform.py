"""Plumbing shared by the hand-written Megaport binding.

cdktf has no prebuilt Megaport binding and ``cdktf get`` cannot reach the
registry here, so the classes in this package subclass cdktf's
``TerraformProvider`` / ``TerraformResource`` / ``TerraformDataSource``
directly.  The one non-obvious part is how the arguments reach the JSON:

* cdktf (TypeScript, over jsii) calls ``synthesizeAttributes()`` on every
  element during synth.  The Python binding of cdktf exposes that protected
  member as ``_synthesize_attributes``.  jsii registers a Python method as an
  override of a JS member when it has the *same Python name* as the jsii
  member on the base class, so overriding ``_synthesize_attributes`` is what
  makes cdktf call back into Python (``synthesize_attributes`` without the
  underscore would be a plain Python method that cdktf never sees).
* The returned mapping is emitted as is: keys are the provider's argument
  names, tokens (``${...}`` references created with ``get_string_attribute``
  or ``TerraformVariable``) are resolved by cdktf afterwards.
* The provider is built on terraform-plugin-framework and declares its nested
  arguments as *attributes*, not blocks: ``SingleNestedAttribute`` is a JSON
  object, ``ListNestedAttribute`` a JSON array of objects.  Dataclasses below
  become objects, tuples/lists become arrays; ``None`` means "leave the
  argument out" and is dropped.
* Only JSON synth (cdktf's default) is supported; ``cdktf synth --hcl`` fails
  loudly instead of silently writing empty blocks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from cdktf import (
    ITerraformDependable,
    TerraformDataSource,
    TerraformProvider,
    TerraformProviderGeneratorMetadata,
    TerraformResource,
    TerraformResourceLifecycle,
    Token,
)
from constructs import Construct

PROVIDER_NAME = "megaport"
PROVIDER_SOURCE = "megaport/megaport"
PROVIDER_VERSION_CONSTRAINT = "~> 1.13"

# contract_term_months of megaport_mcr and megaport_vxc ("valid values are 1, 12, 24, 36, 48, and 60").
CONTRACT_TERMS_MONTHS = frozenset({1, 12, 24, 36, 48, 60})

# A Terraform number.  float admits cdktf number tokens
# (``get_number_attribute`` returns a float that encodes a reference).
Number = int | float


def generator_metadata() -> TerraformProviderGeneratorMetadata:
    """Metadata that makes cdktf write ``required_providers.megaport``.

    Only the constraint is set: cdktf writes ``providerVersion`` in preference
    to ``providerVersionConstraint`` when both are present.
    """
    return TerraformProviderGeneratorMetadata(
        provider_name=PROVIDER_NAME,
        provider_version_constraint=PROVIDER_VERSION_CONSTRAINT,
    )


def is_token(value: Any) -> bool:
    """True for an unresolved cdktf token (a reference known only at apply)."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return Token.is_unresolved(value)
    return False


def check_one_of(where: str, argument: str, value: Any, allowed: Collection[Any]) -> None:
    """Reject a literal value the provider would reject; tokens pass through."""
    if value is None or is_token(value):
        return
    if value not in allowed:
        choices = ", ".join(repr(a) for a in sorted(allowed, key=str))
        raise ValueError(
            f"{where}: {argument}={value!r} is not accepted by the provider; use one of {choices}."
        )


def check_range(where: str, argument: str, value: Any, low: int, high: int) -> None:
    """Reject a literal number outside [low, high]; tokens pass through."""
    if value is None or is_token(value):
        return
    if not low <= value <= high:
        raise ValueError(f"{where}: {argument}={value!r} is out of range; use a value from {low} to {high}.")


def to_terraform(value: Any) -> Any:
    """Turn props into the JSON shape Terraform expects for this provider.

    Dataclass -> object (field names are the provider's argument names),
    mapping -> object, tuple/list -> array; ``None`` members are dropped so the
    provider applies its own default.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: to_terraform(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if getattr(value, field.name) is not None
        }
    if isinstance(value, Mapping):
        return {key: to_terraform(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        return [to_terraform(item) for item in value]
    return value


class HclNotSupported:
    """Mixin: make ``cdktf synth --hcl`` fail with a clear message.

    The base classes return ``{}`` from ``synthesizeHclAttributes``, which would
    render Megaport resources without arguments.
    """

    def _synthesize_hcl_attributes(self) -> Mapping[str, Any]:
        raise NotImplementedError(
            "The hand-written Megaport binding (constructs_lib/megaport) synthesizes JSON only; "
            "run cdktf synth without --hcl."
        )


class MegaportResource(HclNotSupported, TerraformResource):
    """A ``megaport_*`` resource whose arguments are computed in Python.

    Subclasses validate their props, then pass the finished argument mapping
    (provider argument names as keys) as ``attributes``.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        terraform_resource_type: str,
        attributes: Mapping[str, Any],
        provider: TerraformProvider | None = None,
        depends_on: Sequence[ITerraformDependable] | None = None,
        lifecycle: TerraformResourceLifecycle | None = None,
    ) -> None:
        super().__init__(
            scope,
            id_,
            terraform_resource_type=terraform_resource_type,
            terraform_generator_metadata=generator_metadata(),
            provider=provider,
            depends_on=depends_on,
            lifecycle=lifecycle,
        )
        self._attributes: Mapping[str, Any] = to_terraform(attributes)

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self._attributes


class MegaportDataSource(HclNotSupported, TerraformDataSource):
    """A ``megaport_*`` data source whose arguments are computed in Python."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        terraform_resource_type: str,
        attributes: Mapping[str, Any],
        provider: TerraformProvider | None = None,
        depends_on: Sequence[ITerraformDependable] | None = None,
    ) -> None:
        super().__init__(
            scope,
            id_,
            terraform_resource_type=terraform_resource_type,
            terraform_generator_metadata=generator_metadata(),
            provider=provider,
            depends_on=depends_on,
        )
        self._attributes: Mapping[str, Any] = to_terraform(attributes)

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self._attributes
