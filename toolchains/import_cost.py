"""Import cost of one resource per provider, cdktf against cdktn, each in a fresh process.

    .venv/bin/python -m toolchains.import_cost [--repeat 3]

For each toolchain whose venv exists (.venv: cdktf, .venv-cdktn: cdktn) and each provider, a
new interpreter imports ONE resource class the way the app does (through stacks.toolchain and
stacks.lazy_providers, which both entry points install) and reports the wall time of that
import (jsii starts node on the first import, so node's start and its loading of the
provider's JS are included) and the peak RSS of the Python process (node's memory is not
counted). The median of `--repeat` runs is printed as a
Markdown table (the README quotes it). `--eager` adds both toolchains without the lazy loader.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# One resource each, as the app imports it (cdktf names; the seam maps them for cdktn).
RESOURCES = {
    "aws": ("cdktf_cdktf_provider_aws.eks_cluster", "EksCluster"),
    "google": ("cdktf_cdktf_provider_google.container_cluster", "ContainerCluster"),
    "azurerm": ("cdktf_cdktf_provider_azurerm.kubernetes_cluster", "KubernetesCluster"),
    "cloudflare": ("cdktf_cdktf_provider_cloudflare.load_balancer", "LoadBalancer"),
    "vault": ("cdktf_cdktf_provider_vault.mount", "Mount"),
    "random": ("cdktf_cdktf_provider_random.pet", "Pet"),
    "azuread": ("cdktf_cdktf_provider_azuread.application", "Application"),
    "core": ("cdktf", "App"),
}

PROBE = """
import json, os, resource, sys, time
sys.path.insert(0, {repo!r})
from stacks import toolchain
toolchain.install(toolchain.select({toolchain!r}))
if {lazy!r}:
    from stacks.lazy_providers import install
    install(os.environ)
t0 = time.perf_counter()
mod = __import__({module!r}, fromlist=[{cls!r}])
getattr(mod, {cls!r})
elapsed = time.perf_counter() - t0
print(json.dumps({{
    "seconds": elapsed,
    "py_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "module": getattr(mod, {cls!r}).__module__,
}}))
sys.stdout.flush()
os._exit(0)
"""


def measure(python: Path, toolchain: str, lazy: bool, module: str, cls: str) -> dict:
    code = PROBE.format(repo=str(REPO), toolchain=toolchain, lazy=lazy, module=module, cls=cls)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    proc = subprocess.run([str(python), "-c", code], capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--eager", action="store_true", help="also both without stacks.lazy_providers")
    parser.add_argument("--only", default=None, help="comma-separated providers (default: all)")
    args = parser.parse_args(argv)
    # Both as the app runs them: stacks.lazy_providers installed (its node preload serves cdktn's
    # own lazy index too); --eager adds both without it.
    variants = [
        ("cdktf", REPO / ".venv/bin/python", "cdktf", True),
        ("cdktn", REPO / ".venv-cdktn/bin/python", "cdktn", True),
    ]
    if args.eager:
        variants += [
            ("cdktf without lazy_providers", REPO / ".venv/bin/python", "cdktf", False),
            ("cdktn without lazy_providers", REPO / ".venv-cdktn/bin/python", "cdktn", False),
        ]
    variants = [v for v in variants if v[1].exists()]
    results: dict[str, dict[str, str]] = {}
    chosen = {p: RESOURCES[p] for p in args.only.split(",")} if args.only else RESOURCES
    for provider, (module, cls) in chosen.items():
        for label, python, name, lazy in variants:
            runs = [measure(python, name, lazy, module, cls) for _ in range(args.repeat)]
            ok = [r for r in runs if "error" not in r]
            if not ok:
                results.setdefault(provider, {})[label] = f"fails: {runs[0]['error'][:60]}"
                continue
            secs = statistics.median(r["seconds"] for r in ok)
            rss = statistics.median(r["py_rss_mb"] for r in ok)
            results.setdefault(provider, {})[label] = f"{secs:.2f} s, {rss:.0f} MB"
            print(f"{provider:10} {label:20} {secs:6.2f} s {rss:6.0f} MB  {ok[0]['module']}", file=sys.stderr)
    labels = [v[0] for v in variants]
    print("| provider (resource) | " + " | ".join(labels) + " |")
    print("|---" * (len(labels) + 1) + "|")
    for provider, (_module, cls) in chosen.items():
        cells = [results[provider].get(label, "—") for label in labels]
        print(f"| {provider} (`{cls}`) | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
