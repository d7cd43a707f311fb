"""TEST-ONLY stand-in for the cluster stacks (issue 3), until they are merged.

One tiny stack per cluster (`<env>-<cloud>-<region>-fakecluster`) whose endpoint, CA and OIDC
issuer are Terraform variables, registered as ClusterHandles exactly as the real cluster
component will do. Using their tokens in the Vault stack makes cdktf create real cross-stack
references (outputs here, remote state there), which is what the Vault tests check.

Delete this file (and the FAKE_CLUSTERS path in tests/stacks/test_vault.py) once the cluster
stacks are in the app.

Run: `python -m tests.fake_clusters --env prod --out DIR` synthesizes the app with the fake
cluster component first (only if the app has no `cluster` component of its own).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from stacks.context import BuildContext, ClusterHandle


def build(app, ctx: BuildContext) -> None:
    from cdktf import TerraformStack, TerraformVariable

    for c in ctx.env.clusters:
        stack = TerraformStack(app, f"{ctx.env.name}-{c.cloud}-{c.region}-fakecluster")

        def var(name: str, stack=stack) -> str:
            return TerraformVariable(stack, name, type="string", description=f"fake {name}").string_value

        ctx.clusters[c.name] = ClusterHandle(
            spec=c,
            stack=stack,
            endpoint=var("endpoint"),
            ca_certificate=var("ca_certificate"),
            oidc_issuer_url=var("oidc_issuer_url"),
            network_id=var("network_id"),
            network_name=var("network_name"),
            ingress_hostname=c.ingress_hostname or f"ingress.{c.name}.{ctx.env.dns_zone}",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--env", default="prod")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    from stacks import app as app_module
    from stacks.__main__ import synthesize

    if not any(name == "cluster" for name, _ in app_module.COMPONENTS):
        app_module.COMPONENTS = (("cluster", "tests.fake_clusters:build"), *app_module.COMPONENTS)
    stacks = synthesize(args.env, Path(args.out))
    print(f"synthesized {len(stacks)} stacks into {args.out}/stacks")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)
