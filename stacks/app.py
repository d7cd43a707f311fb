"""One cdktf App for every environment: each component adds its stacks in a fixed order.

Order matters only for dependencies: clusters first (they register ClusterHandles), then the
stacks that refer to clusters. Stack ids are documented in stacks/base.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from stacks.context import BuildContext
from stacks.params import Environment
from stacks.residency import load_residency

if TYPE_CHECKING:  # cdktf loads node: imported only when an app is built
    from cdktf import App
    from constructs import Construct

# (component, "module:function"); each function takes (app, ctx) and adds that component's stacks.
COMPONENTS: tuple[tuple[str, str], ...] = (
    ("bootstrap", "stacks.bootstrap_stack:build"),
    ("cluster", "stacks.cluster_stack:build"),
    ("datalake", "stacks.datalake_stack:build"),
    ("interconnect", "stacks.interconnect_stack:build"),
    ("registry", "stacks.registry_stack:build"),
    ("budget", "stacks.budget_stack:build"),
    ("edge", "stacks.edge_stack:build"),
    ("dns", "stacks.dns_stack:build"),
    ("vault", "stacks.vault_stack:build"),
    ("identity", "stacks.identity_stack:build"),
    ("access", "stacks.access_stack:build"),  # after identity and cluster: uses both handles
    # Last: every stack above depends on the bootstrap stack (APIs, subscription features).
    ("bootstrap-order", "stacks.bootstrap_stack:order"),
    # After the order: the state stack creates the store the bootstrap stack's own state lives
    # in, so it must not depend on it (make bootstrap-state applies it alone, with local state).
    ("state", "stacks.state_stack:build"),
)


# A component's build function: adds that component's stacks of one environment to the app.
Builder = Callable[["Construct", BuildContext], None]


def _builder(ref: str) -> Builder:
    module, _, func = ref.partition(":")
    builder: Builder = getattr(importlib.import_module(module), func)
    return builder


def build_app(envs: Iterable[Environment], outdir: str | Path | None = None) -> App:
    """Build (not synthesize) the app holding the stacks of `envs`."""
    from cdktf import App

    app = App(stack_traces=False, outdir=None if outdir is None else str(outdir))
    residency = load_residency()  # once for the whole app: every stack reads ctx.residency
    for env in envs:
        ctx = BuildContext(env=env, residency=residency)
        for component, ref in COMPONENTS:
            try:
                _builder(ref)(app, ctx)
            except (ValueError, KeyError, TypeError, RuntimeError) as exc:
                # A construct refused its props: report it against the file (stacks/build_errors.py).
                from stacks.build_errors import BuildError

                raise BuildError(env, component, exc) from exc
    return app
