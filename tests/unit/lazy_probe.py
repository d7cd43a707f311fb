"""Child process for tests/unit/test_lazy_providers.py: `python tests/unit/lazy_probe.py lazy|eager`.

Runs one scenario with or without the lazy provider hook and prints one JSON line of facts. The
scenario is the same in both modes, so the two synthesized documents must be byte-identical.
Runs in a child so the pytest process never loads jsii, and exits with os._exit to skip the
jsii teardown.

The scenario both modes run uses the vault provider (206 submodules: the eager import costs about
2 s) rather than aws (2,212: about 12 s and 1.5 GB). The hook treats every prebuilt provider
alike (stacks/lazy_providers.py reads the package layout and the node hook the index.js shape,
never a provider's name), so the small package proves the same equality. The lazy child alone
also imports aws, the package the hook exists for (its submodule count, attribute access).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

JS_TRACE = Path(__file__).with_name("lazy_probe_trace.js")


def trace_node(environ: dict) -> Path:
    """Preload lazy_probe_trace.js into node (before the jsii kernel starts): it lists every
    provider JS file node compiles in the returned file."""
    fd, trace = tempfile.mkstemp(prefix="lazy-probe-", suffix=".txt")
    os.close(fd)
    environ["MCAI_JS_TRACE"] = trace
    environ["NODE_OPTIONS"] = f"{environ.get('NODE_OPTIONS', '')} --require {JS_TRACE}".strip()
    return Path(trace)


def js_submodules(trace: Path, package: str) -> list[str]:
    """The lib/<submodule> folders of @cdktf/<package> that node compiled."""
    marker = f"/node_modules/@cdktf/{package}/lib/"
    names = set()
    for line in trace.read_text().splitlines():
        rest = line.partition(marker)[2]
        if "/" in rest:
            names.add(rest.split("/", 1)[0])
    return sorted(names)


def scenario(facts: dict) -> None:
    """Vault and random only: run identically with and without the hook."""
    from cdktf import TerraformOutput, TerraformStack, Testing
    from cdktf_cdktf_provider_vault.mount import Mount
    from cdktf_cdktf_provider_vault.provider import VaultProvider
    from cdktf_cdktf_provider_vault.secrets_sync_association import SecretsSyncAssociation

    facts["vault_modules_after_three_imports"] = sorted(
        m for m in sys.modules if m.startswith("cdktf_cdktf_provider_vault")
    )

    app = Testing.app()
    stack = TerraformStack(app, "probe")
    VaultProvider(stack, "vault", address="https://vault.example.invalid:8200")
    kv = Mount(stack, "kv", path="kv", type="kv-v2")
    sync = SecretsSyncAssociation(
        stack, "sync", mount=kv.path, name="aws-sm-dest", secret_name="app", type="aws-sm"
    )
    # A getter that returns complex types: node creates these objects, jsii maps them by FQN.
    metadata = sync.metadata
    facts["metadata_types"] = [type(metadata).__name__, type(metadata.get(0)).__name__]
    TerraformOutput(stack, "sync_status", value=metadata.get(0).sync_status)

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
    facts["has_sync"] = Testing.to_have_resource_with_properties(
        facts["synth"],
        "vault_secrets_sync_association",
        {"secret_name": "app", "mount": "${vault_mount.kv.path}"},
    )


def aws_lazy(facts: dict) -> None:
    """Lazy mode only: two aws submodules imported, an EKS cluster built and synthesized."""
    from cdktf import TerraformOutput, TerraformStack, Testing
    from cdktf_cdktf_provider_aws.eks_cluster import EksCluster
    from cdktf_cdktf_provider_aws.provider import AwsProvider

    facts["aws_modules_after_two_imports"] = sorted(
        m for m in sys.modules if m.startswith("cdktf_cdktf_provider_aws")
    )
    app = Testing.app()
    stack = TerraformStack(app, "probe_aws")
    AwsProvider(stack, "aws", region="eu-west-1")
    eks = EksCluster(
        stack,
        "eks",
        name="probe",
        role_arn="arn:aws:iam::123456789012:role/eks",
        vpc_config={"subnet_ids": ["subnet-1", "subnet-2"], "endpoint_public_access": False},
        tags={"env": "dev"},
    )
    identity = eks.identity
    issuer = identity.get(0).oidc.get(0).issuer
    facts["identity_types"] = [type(identity).__name__, type(identity.get(0)).__name__]
    TerraformOutput(stack, "oidc_issuer", value=issuer)
    facts["has_eks"] = Testing.to_have_resource_with_properties(
        Testing.synth(stack), "aws_eks_cluster", {"name": "probe"}
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
    trace = trace_node(os.environ)
    scenario(facts)
    facts["node_rss_mb"] = node_rss_mb()  # the shared scenario only (lazy: before aws)
    facts["vault_js_submodules"] = js_submodules(trace, "provider-vault")
    facts["random_js_submodules"] = js_submodules(trace, "provider-random")
    if mode == "lazy":
        aws_lazy(facts)
        package_access(facts)
        import cdktf_cdktf_provider_aws

        from stacks.lazy_providers import is_lazy

        facts["is_lazy"] = is_lazy(cdktf_cdktf_provider_aws)
        facts["aws_js_submodules"] = js_submodules(trace, "provider-aws")
    trace.unlink()
    print(json.dumps(facts))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1])
