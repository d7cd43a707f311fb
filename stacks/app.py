"""One cdktf App for every environment: each component adds its stacks in a fixed order.

Order matters only for dependencies: clusters first (they register ClusterHandles), then the
stacks that refer to clusters. Stack ids are documented in stacks/base.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from pathlib import Path

from stacks.context import BuildContext
from stacks.params import Environment
from stacks.residency import load_residency

# (component, "module:function"); each function takes (app, ctx) and adds that component's stacks.
COMPONENTS: tuple[tuple[str, str], ...] = (
    ("bootstrap", "stacks.bootstrap_stack:build"),
    ("cluster", "stacks.cluster_stack:build"),
    ("datalake", "stacks.datalake_stack:build"),
    ("interconnect", "stacks.interconnect_stack:build"),
    ("edge", "stacks.edge_stack:build"),
    ("vault", "stacks.vault_stack:build"),
    # Last: every stack above depends on the bootstrap stack (APIs, subscription features).
    ("bootstrap-order", "stacks.bootstrap_stack:order"),
)


def _builder(ref: str) -> Callable:
    module, _, func = ref.partition(":")
    return getattr(importlib.import_module(module), func)


def build_app(envs: Iterable[Environment], outdir: str | Path | None = None):
    """Build (not synthesize) the app holding the stacks of `envs`."""
    from cdktf import App

    kwargs = {"stack_traces": False}
    if outdir is not None:
        kwargs["outdir"] = str(outdir)
    app = App(**kwargs)
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
