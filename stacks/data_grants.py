"""Who may reach which data-lake bucket: the environment's declared access x the lakes that exist.

`vault.roles[].data_access` says, once per classification, whether a platform role reads or
writes it. The data-lake stacks registered a DataLakeHandle per cloud, region and classification
(stacks/context.py); a grant is a (role, level, handle) triple, so every permission the Vault
stack creates names a real bucket or storage account by reference, never a name pattern. A
classification the role does not list (PII above all) gets no grant anywhere.

Pure Python over the handles: no provider import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from constructs_lib.data_access import permissions
from stacks.context import DataLakeHandle
from stacks.params import Environment


@dataclass(frozen=True)
class DataGrant:
    role: str  # vault.roles[].name
    level: str  # read | write
    lake: DataLakeHandle

    @property
    def label(self) -> str:
        """A stable logical-id part: what the grant reaches, never a list position."""
        return f"{self.lake.region}_{self.lake.classification}".replace("-", "_")


def plan_data_grants(env: Environment, lakes: Iterable[DataLakeHandle]) -> dict[str, list[DataGrant]]:
    """Role name -> its grants on `lakes`, in (cloud, region, classification) order.

    Refuses a role that lists a classification the environment's data lake does not have
    (`data_lake.classifications`): that access could never be granted and is a typo or a leftover.
    """
    lakes = sorted(lakes, key=lambda h: (h.cloud, h.region, h.classification))
    declared = set(env.data_lake.classifications)
    out: dict[str, list[DataGrant]] = {}
    for i, role in enumerate(env.vault.roles):
        unknown = sorted(set(role.data_access) - declared)
        if unknown:
            raise ValueError(
                f"environments/{env.name}.yaml: vault.roles[{i}].data_access ({role.name}) lists {unknown}, "
                f"which data_lake.classifications does not declare; remove them or add the classification."
            )
        access: dict[str, str] = dict(role.data_access.items())
        grants = []
        for lake in lakes:
            if role.data_clouds is not None and lake.cloud not in role.data_clouds:
                continue
            level = access.get(lake.classification)
            if level is not None:
                permissions(level)  # refuses an unknown level
                grants.append(DataGrant(role=role.name, level=level, lake=lake))
        out[role.name] = grants
    return out
