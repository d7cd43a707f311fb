"""A construct that refuses its props during synth is reported like a validation problem.

Validation mirrors every rule a construct enforces, so this is the safety net for a rule it does
not know yet: the error names the environment file and the closest key path (the component's
top-level key, or the cluster the message names), never a traceback.
"""

from __future__ import annotations

import re

from stacks.params import Cluster, Environment
from stacks.validation import Problem

COMPONENT_KEYS = {
    "cluster": "clusters",
    "datalake": "data_lake",
    "interconnect": "interconnect",
    "edge": "edge",
    "vault": "vault",
}
_LEADING_PATH = re.compile(r"^((?:clusters|data_lake|interconnect|edge|vault)(?:[.\[][^:\s]*)?):\s*")


class BuildError(Exception):
    """Building one environment's stacks failed; `problem` says where in its file."""

    def __init__(self, env: Environment, component: str, cause: BaseException):
        self.env_name = env.name
        self.problem = problem_for(env, component, cause)
        super().__init__(self.problem.render(f"environments/{env.name}.yaml"))


def problem_for(env: Environment, component: str, cause: BaseException) -> Problem:
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    match = _LEADING_PATH.match(text)
    if match:
        path, text = match.group(1), text[match.end() :]
    else:
        path = COMPONENT_KEYS.get(component, component)
        cluster = _cluster_being_built(cause)
        for i, c in enumerate(env.clusters):
            if c is cluster or (
                cluster is None and re.search(rf"(?<![a-z0-9-]){re.escape(c.name)}(?![a-z0-9-])", text)
            ):
                path = f"clusters[{i} {c.name}]"
                break
    text = text.rstrip(".")
    return Problem(
        path,
        f"{text} (refused while building the {component} stacks). Fix the value there; validation does not "
        "know this rule yet, so please add it to stacks/validation.py.",
    )


def _cluster_being_built(cause: BaseException) -> Cluster | None:
    """The Cluster model a stack was translating when the construct raised (innermost frame)."""
    tb = cause.__traceback__
    found = None
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            if isinstance(value, Cluster):
                found = value
        tb = tb.tb_next
    return found
