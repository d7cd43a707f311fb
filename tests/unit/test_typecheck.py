"""The type checker reads the provider bindings' types: a wrong argument on a provider construct
fails `make typecheck` before any synth.

mypy runs with the project's configuration (pyproject.toml: strict, provider package roots
skipped, their submodules followed) and its incremental cache (.mypy_cache), so after
`make typecheck` (which `make test` runs first) this costs about a second. The expected messages
are mypy's own wording for a call that does not match the generated signature of
`cdktf_cdktf_provider_aws.eks_cluster.EksCluster` (aws 6.25 binding: `version: Optional[str]`,
no `not_an_argument`).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

HEADER = """\
from cdktf import App, TerraformStack
from cdktf_cdktf_provider_aws.eks_cluster import EksCluster, EksClusterVpcConfig

stack = TerraformStack(App(), "planted")
"""

CORRECT = """\
EksCluster(
    stack, "cluster", name="planted", role_arn="arn:aws:iam::1:role/r",
    vpc_config=EksClusterVpcConfig(subnet_ids=["subnet-1"]), version="1.33",
)
"""

WRONG_NAME = """\
EksCluster(
    stack, "cluster", name="planted", role_arn="arn:aws:iam::1:role/r",
    vpc_config=EksClusterVpcConfig(subnet_ids=["subnet-1"]), not_an_argument=1,
)
"""

WRONG_SHAPE = """\
EksCluster(
    stack, "cluster", name="planted", role_arn="arn:aws:iam::1:role/r",
    vpc_config=EksClusterVpcConfig(subnet_ids=[1]), version=1.33,
)
"""


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """mypy's report per planted file, from one run with the project's config and cache."""
    folder = tmp_path_factory.mktemp("typecheck")
    files = {"correct": CORRECT, "wrong_name": WRONG_NAME, "wrong_shape": WRONG_SHAPE}
    for name, body in files.items():
        (folder / f"planted_{name}.py").write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", "pyproject.toml", "--no-error-summary"]
        + [str(folder / f"planted_{name}.py") for name in files],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr  # 2 = mypy itself failed
    return {
        name: "\n".join(line for line in result.stdout.splitlines() if f"planted_{name}.py" in line)
        for name in files
    }


def test_correct_provider_call_type_checks(mypy_output: dict[str, str]) -> None:
    # The control: without the planted mistakes the same call is clean, so the failures below
    # come from the mistakes and not from the setup.
    assert mypy_output["correct"] == ""


def test_wrong_argument_name_on_provider_construct_fails(mypy_output: dict[str, str]) -> None:
    assert 'Unexpected keyword argument "not_an_argument" for "EksCluster"' in mypy_output["wrong_name"]


def test_wrong_argument_shape_on_provider_construct_fails(mypy_output: dict[str, str]) -> None:
    out = mypy_output["wrong_shape"]
    assert 'Argument "version" to "EksCluster" has incompatible type "float"' in out
    assert 'List item 0 has incompatible type "int"; expected "str"' in out


def test_only_provider_package_roots_are_skipped() -> None:
    """`follow_imports = skip` on a root saves minutes (each root imports 2,000+ submodules);
    on a submodule pattern (`cdktf_cdktf_provider_aws.*`) it would silently erase the types the
    tests above rely on."""
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    skipped = [
        module
        for override in config["overrides"]
        if override.get("follow_imports") == "skip"
        for module in override["module"]
    ]
    assert skipped, "the provider roots are expected to be skipped (cold run ~3 min otherwise)"
    assert all(m.startswith("cdktf_cdktf_provider_") and "." not in m for m in skipped), skipped
