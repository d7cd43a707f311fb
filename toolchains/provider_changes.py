"""Why a resource argument differs between the cdktf and the cdktn provider versions.

Each entry names a Terraform block type and a top-level argument, the provider release that
changed it and the CHANGELOG / upgrade-guide text that says so (found with the search tool in the
providers' own repositories; the URL is the citation). toolchains/compare.py attaches the reason
to every difference and refused argument with the same (type, argument). An entry is a claim about
a provider, so it comes from the provider's documents, never from this app's code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProviderChange:
    block_type: str  # `azurerm_subnet`; `*` for every block of the provider named in `provider`
    argument: str
    text: str
    url: str


CHANGES: tuple[ProviderChange, ...] = ()


def reason_for(block_type: str, argument: str) -> ProviderChange | None:
    for change in CHANGES:
        if change.block_type == block_type and change.argument == argument:
            return change
    return None
