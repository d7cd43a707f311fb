"""Child process for tests/unit/test_lazy_providers.py: `python tests/unit/lazy_probe.py lazy|eager`.

Runs one scenario with or without the lazy provider hook and prints one JSON line of facts. The
scenario is the same in both modes, so the two synthesized documents must be byte-identical.
Runs in a child so the pytest process never loads jsii, and exits with os._exit to skip the
jsii teardown.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root


def scenario(facts: dict) -> None:
    from cdktf import TerraformOutput, TerraformStack, Testing
    from cdktf_cdktf_provider_aws.eks_cluster import EksCluster
    from cdktf_cdktf_provider_aws.provider import AwsProvider

    facts["aws_modules_after_two_imports"] = sorted(
        m for m in sys.modules if m.startswith("cdktf_cdktf_provider_aws")
    )

    app = Testing.app()
    stack = TerraformStack(app, "probe")
    AwsProvider(stack, "aws", region="eu-west-1")
    eks = EksCluster(
        stack,
        "eks",
        name="probe",
        role_arn="arn:aws:iam::123456789012:role/eks",
        vpc_config={"subnet_ids": ["subnet-1", "subnet-2"], "endpoint_public_access": False},
        tags={"env": "dev"},
    )
    # Getters that return complex types: node creates these objects, jsii maps them by FQN.
    identity = eks.identity
    issuer = identity.get(0).oidc.get(0).issuer
    facts["identity_types"] = [type(identity).__name__, type(identity.get(0)).__name__]
    TerraformOutput(stack, "oidc_issuer", value=issuer)
    TerraformOutput(stack, "vpc_id", value=eks.vpc_config.vpc_id)

    # An object node creates whose class lives in a submodule nobody imported: jsii must find
    # `cdktf_cdktf_provider_random.pet` from the FQN alone.
    import cdktf_cdktf_provider_random._jsii  # noqa: F401  (the assembly, no submodule)
    import jsii
    from cdktf_cdktf_provider_random.provider import RandomProvider
    from jsii._kernel import _make_reference_for_native
    from jsii._kernel.types import CreateRequest

    RandomProvider(stack, "random")
    facts["pet_imported_before_lookup"] = "cdktf_cdktf_provider_random.pet" in sys.modules
    jsii.kernel.provider.create(
        CreateRequest(
            fqn="@cdktf/provider-random.pet.Pet",
            args=_make_reference_for_native(jsii.kernel, [stack, "pet", {"length": 3}]),
        )
    )
    try:
        pet = stack.node.find_child("pet")
        facts["node_created_pet"] = f"{type(pet).__module__}.{type(pet).__qualname__}"
    except Exception as exc:  # reported, asserted by the test
        facts["node_created_pet"] = f"{type(exc).__name__}: {exc}"

    facts["synth"] = Testing.synth(stack)
    facts["has_eks"] = Testing.to_have_resource_with_properties(
        facts["synth"], "aws_eks_cluster", {"name": "probe"}
    )


def package_access(facts: dict) -> None:
    import cdktf_cdktf_provider_aws as aws
    from cdktf_cdktf_provider_aws.eks_cluster import EksCluster

    facts["attr_same_class"] = aws.eks_cluster.EksCluster is EksCluster
    facts["all_len"] = len(aws.__all__)
    facts["dir_has_s3_bucket"] = "s3_bucket" in dir(aws)
    facts["s3_loaded_before_access"] = "cdktf_cdktf_provider_aws.s3_bucket" in sys.modules
    from cdktf_cdktf_provider_aws import s3_bucket

    facts["from_import"] = s3_bucket.S3Bucket.__module__
    facts["attr_after_from_import"] = aws.s3_bucket is s3_bucket
    try:
        _ = aws.not_a_submodule
        facts["missing_attr"] = "no error"
    except AttributeError as exc:
        facts["missing_attr"] = f"AttributeError: {exc}"


def node_rss_mb() -> int:
    """Summed VmRSS of this process's descendants: the jsii node wrapper and kernel."""

    def children(pid: int) -> list[int]:
        kids = []
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                kids += [int(c) for c in fh.read().split()]
        return kids

    total, todo = 0, children(os.getpid())
    while todo:
        pid = todo.pop()
        todo += children(pid)
        with open(f"/proc/{pid}/status") as fh:
            total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
    return total // 1024


def main(mode: str) -> None:
    facts: dict = {"mode": mode}
    if mode == "lazy":
        from stacks import lazy_providers

        facts["install"] = [lazy_providers.install(os.environ), lazy_providers.install(os.environ)]
        facts["finders"] = sum(type(f).__name__ == "_LazyProviderFinder" for f in sys.meta_path)
        facts["node_options_hooks"] = os.environ.get("NODE_OPTIONS", "").count(lazy_providers.NODE_HOOK)
    scenario(facts)
    if mode == "lazy":
        package_access(facts)
        import cdktf_cdktf_provider_aws

        from stacks.lazy_providers import is_lazy

        facts["is_lazy"] = is_lazy(cdktf_cdktf_provider_aws)
    facts["node_rss_mb"] = node_rss_mb()
    print(json.dumps(facts))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1])
