"""Growth: synthesize N generated environments of eight clusters each (issue 20).

    python bench/growth.py generate N DIR     write N environment files derived from prod.yaml
    python bench/growth.py synth DIR OUT      validate and synthesize every DIR/*.yaml into OUT

Each generated environment is prod.yaml (8 clusters, Megaport interconnect, edge, Vault) with its
own name (`g01`...), DNS zone, Cloudflare zone id, hostnames and Vault address
(`g01.mlops-platform.com`), cloud accounts and
VPC CIDRs (env i takes 10.(8i+k).0.0/16 for its k-th cluster: no two environments share a VPC
range). Pod and service secondary ranges stay prod's: they never leave a cluster's own network.
The files go through the same validation as a committed file (`stacks.validation`).

`synth` is `python -m stacks synth` with a folder of environment files instead of environments/:
the same lazy imports, the same app, the same fast exit.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def generate(n: int, folder: Path) -> list[Path]:
    import yaml

    base = yaml.safe_load((REPO / "environments" / "prod.yaml").read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        doc = yaml.safe_load(yaml.safe_dump(base))  # deep copy
        name = f"g{i + 1:02d}"
        zone = f"{name}.mlops-platform.com"
        doc["name"] = name
        doc["dns_zone"] = zone
        doc["vault"]["address"] = f"https://vault.{zone}:8200"
        doc["edge"]["cloudflare_zone_id"] = f"{i + 1:032x}"  # one Cloudflare zone per environment
        doc["accounts"]["aws"]["account_id"] = f"{100000000000 + i:012d}"
        doc["accounts"]["gcp"]["project_id"] = f"mcai-{name}-platform"
        for k, cluster in enumerate(doc["clusters"]):
            cluster["network"]["cidr"] = str(ipaddress.ip_network(f"10.{8 * i + k}.0.0/16"))
            if host := cluster.get("ingress_hostname"):
                cluster["ingress_hostname"] = host.replace(base["dns_zone"], zone)
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        files.append(path)
    return files


def synth(folder: Path, out: Path) -> int:
    from stacks.environments import load_environments

    envs = load_environments(None, env_dir=folder)
    from stacks.lazy_providers import install

    install(os.environ, node=True)  # before any cdktf/provider import, as `python -m stacks synth`
    from stacks.app import build_app

    build_app(envs, outdir=str(out)).synth()
    written = len(list((out / "stacks").glob("*/cdk.tf.json")))
    print(f"synthesized {written} stacks of {len(envs)} environments into {out}")
    return 0


if __name__ == "__main__":
    cmd, *rest = sys.argv[1:]
    if cmd == "generate":
        generate(int(rest[0]), Path(rest[1]))
        sys.exit(0)
    from stacks.fast_exit import exit_now, private_tempdir

    private_tempdir(os.environ)
    exit_now(synth(Path(rest[0]), Path(rest[1])))
