"""Synthesize one environment file variant (a YAML file path) into a folder: `python -m
tests.stacks.variant_synth <env.yaml> <outdir>`. Used by tests that need a plan for settings no
committed environment uses (Vault Community Edition, weighted edge steering); the variant goes
through the same validation as a committed file."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(env_file: str, outdir: str) -> int:
    from stacks.validation import load_environment

    env = load_environment(Path(env_file))
    from stacks.lazy_providers import install

    install(os.environ)  # the process environment: the node kernel inherits it (a copy never reaches node)
    from stacks.app import build_app

    build_app([env], outdir=outdir).synth()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
