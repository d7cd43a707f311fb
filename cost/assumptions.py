"""Each environment's cost assumptions (``cost:`` in environments/<env>.yaml, defaults in
stacks/params.py ``CostAssumptions``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cost.estimate import Assumptions
from stacks.environments import ENV_DIR
from stacks.params import CostAssumptions
from stacks.validation import ParameterError, load_environment


def from_model(model: CostAssumptions) -> Assumptions:
    return Assumptions(storage_gb=dict(model.storage_gb.items()), hours_per_month=model.hours_per_month)


def assumptions_by_env(
    envs: Iterable[str], env_dir: Path = ENV_DIR
) -> tuple[dict[str, Assumptions], list[str]]:
    """Assumptions per environment name, and notes for environments that fell back to defaults
    (no file, or a file that does not validate: the note carries the validation message)."""
    out: dict[str, Assumptions] = {}
    notes: list[str] = []
    for env in envs:
        path = env_dir / f"{env}.yaml"
        if not path.exists():
            out[env] = from_model(CostAssumptions())
            notes.append(f"{env}: no {path.name}; default cost assumptions used")
            continue
        try:
            out[env] = from_model(load_environment(path).cost)
        except ParameterError as exc:
            out[env] = from_model(CostAssumptions())
            notes.append(f"{env}: default cost assumptions used, the file does not validate: {exc}")
    return out, notes
