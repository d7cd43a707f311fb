"""The cdktf app entry point (cdktf.json "app"): `cdktf synth|plan|deploy` run this file.

ENV=prod (comma-separated, optional) narrows the app to some environments; by default it holds
all of them. TOOLCHAIN=cdktn synthesizes with CDK Terrain instead of cdktf (stacks/toolchain.py).
STATE=local gives every stack local state whatever `backend:` says. The cdktf CLI passes the output directory through its own environment variables.
This is the only module that reads os.environ.
"""

import os
import sys

from stacks.__main__ import _print_problems
from stacks.environments import ParameterErrors, load_environments
from stacks.fast_exit import exit_now, private_tempdir
from stacks.validation import ParameterError

try:
    envs = load_environments(os.environ.get("ENV") or None)
except (ParameterError, ParameterErrors) as exc:
    _print_problems(exc)
    sys.exit(1)

from stacks import toolchain
from stacks.lazy_providers import install

try:
    toolchain.install(toolchain.select(os.environ.get("TOOLCHAIN")))  # before any cdktf import
except toolchain.ToolchainError as exc:
    print(exc, file=sys.stderr)
    sys.exit(2)
private_tempdir(os.environ)  # jsii's runtime goes there, removed by exit_now
install(os.environ)  # before any cdktf/provider import: load only the submodules the app uses
from stacks.app import build_app

if os.environ.get("STATE") == "local":
    from stacks.__main__ import with_local_state

    envs = with_local_state(envs)
build_app(envs).synth()
exit_now(0)  # skip the 10-12 s jsii teardown; the synthesized files are complete on disk
