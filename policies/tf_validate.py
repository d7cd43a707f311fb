"""`terraform init -backend=false` + `terraform validate` for every synthesized stack whose providers
terraform can obtain here.

    python policies/tf_validate.py [--out cdktf.out] [--mirror DIR | --registry] [--stack ID ...]

Offline by default: a temporary CLI config (TF_CLI_CONFIG_FILE) installs providers only from a
filesystem mirror (`provider_installation { filesystem_mirror { path = DIR } }`,
https://developer.hashicorp.com/terraform/cli/config/config-file#provider-installation); DIR defaults
to /opt/tf-plugins. A stack whose exact pinned provider version is not in the mirror is SKIPPED with
a message naming the provider, the version it pins and the versions the mirror has (validating
against another major version would report arguments it does not know, e.g. aws 6's per-resource
`region`). `--registry` lets terraform download from the registry instead (CI on GitHub).

Each stack is validated in a temporary copy, so cdktf.out stays untouched. Exit status: 0 every
stack validated or skipped; 1 a stack failed validation; 2 terraform or the stacks are missing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_MIRROR = Path("/opt/tf-plugins")
DEFAULT_HOST = "registry.terraform.io"
DEFAULT_NAMESPACE = "hashicorp"


def provider_address(source: str) -> tuple[str, str, str]:
    """`aws` -> (registry.terraform.io, hashicorp, aws); `cloudflare/cloudflare` -> (..., cloudflare, cloudflare)."""
    parts = source.lower().split("/")
    if len(parts) == 1:
        return DEFAULT_HOST, DEFAULT_NAMESPACE, parts[0]
    if len(parts) == 2:
        return DEFAULT_HOST, parts[0], parts[1]
    return parts[0], parts[1], parts[2]


def mirror_versions(mirror: Path, host: str, namespace: str, name: str) -> list[str]:
    """Versions of a provider in a filesystem mirror (unpacked `<version>/` dirs or packed zips)."""
    base = mirror / host / namespace / name
    if not base.is_dir():
        return []
    found = {p.name for p in base.iterdir() if p.is_dir()}
    prefix = f"terraform-provider-{name}_"
    found |= {p.name[len(prefix) :].split("_")[0] for p in base.glob(f"{prefix}*.zip")}
    return sorted(found)


def missing_providers(stack: dict, mirror: Path) -> list[str]:
    """What the mirror lacks for this stack: `<source> <version> (mirror has: ...)`."""
    required = ((stack.get("terraform") or {}).get("required_providers")) or {}
    missing = []
    for local, spec in sorted(required.items()):
        source = spec.get("source", local) if isinstance(spec, dict) else local
        version = spec.get("version") if isinstance(spec, dict) else spec
        host, namespace, name = provider_address(source)
        have = mirror_versions(mirror, host, namespace, name)
        if version not in have:
            missing.append(f"{host}/{namespace}/{name} {version} (mirror has: {', '.join(have) or 'none'})")
    return missing


def cli_config(mirror: Path, directory: Path) -> Path:
    path = directory / "terraform.rc"
    path.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n')
    return path


def validate(stack_dir: Path, env: dict[str, str]) -> tuple[bool, str]:
    with tempfile.TemporaryDirectory(prefix="tf-validate-") as tmp:
        work = Path(tmp) / stack_dir.name
        shutil.copytree(stack_dir, work, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
        for cmd in (
            ["terraform", "init", "-backend=false", "-input=false", "-no-color"],
            ["terraform", "validate", "-no-color"],
        ):
            proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                return False, f"{' '.join(cmd[:2])}: {(proc.stderr or proc.stdout).strip()[-3000:]}"
    return True, "valid"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("cdktf.out"))
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--mirror", type=Path, default=DEFAULT_MIRROR, help="filesystem mirror (default /opt/tf-plugins)"
    )
    source.add_argument("--registry", action="store_true", help="let terraform download providers")
    parser.add_argument("--stack", action="append", default=[], help="only these stack ids")
    args = parser.parse_args(argv)

    if shutil.which("terraform") is None:
        print("tf-validate: terraform is not on PATH (install Terraform >= 1.11)", file=sys.stderr)
        return 2
    stacks = sorted(args.out.glob("stacks/*/cdk.tf.json"))
    if args.stack:
        stacks = [s for s in stacks if s.parent.name in args.stack]
    if not stacks:
        print(f"tf-validate: no stacks under {args.out}/stacks: run `make synth` first", file=sys.stderr)
        return 2

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tf-cli-") as tmp:
        env = dict(os.environ, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
        env["TF_PLUGIN_CACHE_DIR"] = ""
        if not args.registry:
            env["TF_CLI_CONFIG_FILE"] = str(cli_config(args.mirror.resolve(), Path(tmp)))
        valid, skipped, failed = [], [], []
        for path in stacks:
            stack_id = path.parent.name
            if not args.registry:
                missing = missing_providers(json.loads(path.read_text()), args.mirror)
                if missing:
                    skipped.append(stack_id)
                    print(f"SKIP  {stack_id}: provider not in {args.mirror}: {'; '.join(missing)}")
                    continue
            ok, message = validate(path.parent, env)
            (valid if ok else failed).append(stack_id)
            print(f"{'OK   ' if ok else 'FAIL '} {stack_id}{'' if ok else ': ' + message}")
    print(
        f"\ntf-validate: {len(valid)} valid, {len(failed)} failed, {len(skipped)} skipped "
        f"(providers missing) of {len(stacks)} stacks in {time.monotonic() - started:.1f}s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
