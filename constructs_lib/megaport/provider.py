"""The ``megaport`` provider block.

Doc page: https://github.com/megaport/terraform-provider-megaport/blob/main/docs/index.md
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from cdktf import TerraformProvider
from constructs import Construct

from ._terraform import (
    PROVIDER_NAME,
    PROVIDER_SOURCE,
    HclNotSupported,
    check_one_of,
    generator_metadata,
    to_terraform,
)

Environment = Literal["production", "staging", "development"]
ENVIRONMENTS = frozenset({"production", "staging", "development"})


class MegaportProvider(HclNotSupported, TerraformProvider):
    """``provider "megaport"`` (source ``megaport/megaport``, version ``~> 1.13``).

    Docs: https://github.com/megaport/terraform-provider-megaport/blob/main/docs/index.md

    Credentials are deliberately not props, so they can never land in
    ``cdk.tf.json``.  The provider reads them from its environment when
    ``access_key`` / ``secret_key`` are absent from the configuration
    (provider schema descriptions: "Can also be set using the environment
    variable MEGAPORT_ACCESS_KEY" / "... MEGAPORT_SECRET_KEY"):

    * ``MEGAPORT_ACCESS_KEY`` - API access key
    * ``MEGAPORT_SECRET_KEY`` - API secret key

    It also reads ``MEGAPORT_ENVIRONMENT``, ``MEGAPORT_ACCEPT_PURCHASE_TERMS``
    and ``MEGAPORT_MANAGED_ACCOUNT_UID`` for the matching arguments, but this
    binding always writes ``environment`` and ``accept_purchase_terms`` so the
    plan does not depend on whoever runs it.

    :param environment: ``production``, ``staging`` or ``development``.  Required
        here although optional in the provider: left out, the provider falls
        back to ``MEGAPORT_ENVIRONMENT`` and then to ``staging``, so a
        production stack would silently order on the test platform.
    :param accept_purchase_terms: must be ``True``.  It records acceptance of
        Megaport's purchase terms; the provider refuses to run without it.  It
        is a required argument so that acceptance is written down in the stack.
    :param wait_time: minutes to wait for a resource to provision (>= 1).
        Omitted: the provider's default, 10 minutes.
    :param managed_account_uid: company UID of a managed (partner) account to
        act on behalf of.  Omitted: act on the API key's own company.  Only
        recent provider releases have this argument (1.4.6 does not); check
        the locked version before setting it.
    :param alias: provider alias, for a second Megaport configuration in the
        same stack.  Omitted: the default provider configuration.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        environment: Environment,
        accept_purchase_terms: Literal[True],
        wait_time: int | None = None,
        managed_account_uid: str | None = None,
        alias: str | None = None,
    ) -> None:
        where = f"megaport provider '{id_}'"
        check_one_of(where, "environment", environment, ENVIRONMENTS)
        if accept_purchase_terms is not True:
            raise ValueError(
                f"{where}: accept_purchase_terms must be True; the Megaport provider does not run "
                "without acceptance of the purchase terms."
            )
        if wait_time is not None and wait_time < 1:
            raise ValueError(
                f"{where}: wait_time={wait_time!r} minutes; use 1 or more, or leave it out for 10."
            )
        if managed_account_uid is not None and not managed_account_uid:
            raise ValueError(f"{where}: managed_account_uid is empty; give a company UID or leave it out.")

        super().__init__(
            scope,
            id_,
            terraform_resource_type=PROVIDER_NAME,
            terraform_generator_metadata=generator_metadata(),
            terraform_provider_source=PROVIDER_SOURCE,
        )
        self._alias = alias
        self._attributes: Mapping[str, Any] = to_terraform(
            {
                "environment": environment,
                "accept_purchase_terms": True,
                "wait_time": wait_time,
                "managed_account_uid": managed_account_uid,
            }
        )

    # cdktf's TerraformProvider.alias is a stub that returns undefined; the
    # generated providers override it, and so must we: cdktf derives both the
    # ``alias`` key of the provider block and the ``provider = "megaport.<alias>"``
    # reference of resources from it.
    @property
    def alias(self) -> str | None:
        return getattr(self, "_alias", None)

    @alias.setter
    def alias(self, value: str | None) -> None:
        self._alias = value

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self._attributes
