"""stacks.lazy_providers: provider packages load only the submodules used, with identical output.

The jsii parts run in two child processes (tests/unit/lazy_probe.py), one with the hook and one
without, each once per module; this process only reads files. The comparison runs on the vault
provider (206 submodules; its eager import costs ~2 s where aws's 2,212 cost ~12 s and 1.5 GB):
the hook reads the layout of every prebuilt provider alike, so equal output there is the same
proof. The lazy child also imports aws, the package the hook is for. Which JS submodules node
compiled is traced exactly (tests/unit/lazy_probe_trace.js), not inferred from memory. Both
children run in the background (tests/background.py) while the other tests run.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stacks.lazy_providers import PREFIX, _jsii_fqn_segment, _prebuilt_layout
from tests.background import probe_facts, probe_jobs

PROBE = Path(__file__).with_name("lazy_probe.py")


probe_jobs(PROBE, {f"lazy_probe_{mode}": ([mode], {}) for mode in ("lazy", "eager")}, __file__)


def _facts(background_jobs, mode: str) -> dict:
    return probe_facts(background_jobs, f"lazy_probe_{mode}")[0]


@pytest.fixture(scope="module")
def lazy(background_jobs) -> dict:
    return _facts(background_jobs, "lazy")


@pytest.fixture(scope="module")
def eager(background_jobs) -> dict:
    return _facts(background_jobs, "eager")


def test_lazy_import_loads_only_the_used_aws_submodules(lazy):
    loaded = lazy["aws_modules_after_two_imports"]
    assert len(loaded) < 20, loaded  # the package, _jsii, eks_cluster, provider (+ _private twins)
    assert "cdktf_cdktf_provider_aws.eks_cluster" in loaded
    assert lazy["is_lazy"] is True
    assert lazy["has_eks"] is True
    assert lazy["identity_types"] == ["EksClusterIdentityList", "EksClusterIdentityOutputReference"]


def test_lazy_import_loads_only_the_used_vault_submodules(lazy):
    loaded = lazy["vault_modules_after_three_imports"]
    assert len(loaded) < 20, loaded  # the package, _jsii, mount, provider, secrets_sync_association
    assert "cdktf_cdktf_provider_vault.secrets_sync_association" in loaded


def test_eager_import_loads_every_vault_submodule(eager):
    # The contrast that makes the lazy count meaningful: the vault 5.6 binding's __all__ lists
    # 206 submodules, each a package and its _private twin.
    assert len(eager["vault_modules_after_three_imports"]) > 2 * 206


def test_lazy_synth_is_byte_identical_to_eager_synth(lazy, eager):
    assert lazy["has_sync"] is True
    assert lazy["synth"] == eager["synth"]
    assert (
        lazy["metadata_types"]
        == eager["metadata_types"]
        == ["SecretsSyncAssociationMetadataList", "SecretsSyncAssociationMetadataOutputReference"]
    )


def test_node_created_object_of_unimported_submodule_gets_its_typed_class(lazy, eager):
    # Without the FQN map jsii raises "ValueError: Unknown type: @cdktf/provider-random.pet.Pet".
    assert lazy["pet_imported_before_lookup"] is False
    assert lazy["node_created_pet"] == eager["node_created_pet"] == "cdktf_cdktf_provider_random.pet.Pet"


def test_package_attribute_access_imports_the_submodule(lazy):
    assert lazy["attr_same_class"] is True
    assert lazy["all_len"] == 2212
    assert lazy["dir_has_s3_bucket"] is True
    assert lazy["s3_loaded_before_access"] is False
    assert lazy["from_import"] == "cdktf_cdktf_provider_aws.s3_bucket"
    assert lazy["attr_after_from_import"] is True
    assert lazy["missing_attr"].startswith("AttributeError")


def test_install_is_idempotent(lazy):
    assert lazy["install"] == [True, True]
    assert lazy["finders"] == 1
    assert lazy["node_options_hooks"] == 1


def test_node_loads_only_the_used_js_submodules(lazy, eager):
    # Eager: node compiles every submodule its lib/index.js requires (206 for vault; for aws all
    # 2,212, ~0.5 GB); lazy: those the scenario used, and the one random's kernel created.
    assert lazy["vault_js_submodules"] == ["mount", "provider", "secrets-sync-association"]
    assert lazy["random_js_submodules"] == ["pet", "provider"]
    assert lazy["aws_js_submodules"] == ["eks-cluster", "provider"]
    assert len(eager["vault_js_submodules"]) == 206
    assert lazy["node_rss_mb"] < eager["node_rss_mb"], (lazy["node_rss_mb"], eager["node_rss_mb"])


def _installed_providers() -> list[importlib.machinery.ModuleSpec]:
    names = set()
    for entry in sys.path:
        if os.path.isdir(entry):
            names |= {n for n in os.listdir(entry) if n.startswith(PREFIX) and "." not in n and "-" not in n}
    specs = [importlib.machinery.PathFinder.find_spec(n) for n in sorted(names)]
    return [s for s in specs if s is not None]


def test_every_installed_provider_has_the_prebuilt_layout():
    specs = _installed_providers()
    assert {s.name for s in specs} >= {
        f"{PREFIX}{p}" for p in ("aws", "google", "azurerm", "cloudflare", "vault", "random")
    }
    for spec in specs:
        assert _prebuilt_layout(spec) is not None, f"{spec.name} would be imported eagerly"


def test_fqn_map_names_the_submodule_of_every_jsii_type():
    """The map jsii uses on a registry miss: `<assembly>.<camelCase>` -> `<package>.<snake_case>`.

    Checked against the jsii_type of the first type in every submodule of every installed
    provider (pure file reading, ~1 s). A wrong entry would make a miss raise `Unknown type`.
    """
    jsii_type = re.compile(rb'jsii_type="([^"]+)"')
    wrong = []
    for spec in _installed_providers():
        assembly, names = _prebuilt_layout(spec)
        pkg_dir = Path(spec.origin).parent
        for name in names:
            with open(pkg_dir / name / "__init__.py", "rb") as fh:
                found = jsii_type.search(fh.read(400_000))
            expected = f"{assembly}.{_jsii_fqn_segment(name)}."
            if found is None or not found.group(1).decode().startswith(expected):
                wrong.append((spec.name, name, found and found.group(1).decode()))
    assert not wrong, wrong[:10]


def _fake_js_provider(root: Path, index_extra: str = "") -> Path:
    lib = root / "node_modules" / "@cdktf" / "provider-fake" / "lib"
    for sub in ("alpha-thing", "beta"):
        (lib / sub).mkdir(parents=True)
        (lib / sub / "index.js").write_text(
            f'globalThis.loaded = (globalThis.loaded || []).concat("{sub}");\nexports.X = "{sub}";\n'
        )
    (lib / "index.js").write_text(
        '"use strict";\n/**\n * header\n */\nObject.defineProperty(exports, "__esModule", { value: true });\n'
        "exports.beta = exports.alphaThing = void 0;\n// generated by cdktf get\n"
        'exports.alphaThing = require("./alpha-thing");\nexports.beta = require("./beta");\n' + index_extra
    )
    return lib / "index.js"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize(
    ("extra", "loaded_before_access"),
    [("", []), ('console.log("side effect");\n', ["alpha-thing", "beta"])],
    ids=["known-shape-is-lazy", "unknown-statement-stays-eager"],
)
def test_node_hook_defers_provider_submodules_only_for_the_known_index_shape(
    tmp_path, extra, loaded_before_access
):
    from stacks.lazy_providers import NODE_HOOK

    index = _fake_js_provider(tmp_path, extra)
    script = (
        f"const m = require({json.dumps(str(index))});"
        "const before = globalThis.loaded || [];"
        "const value = m.alphaThing.X;"
        "console.log(JSON.stringify({before, value, keys: Object.keys(m), after: globalThis.loaded}));"
    )
    proc = subprocess.run(
        ["node", "--require", NODE_HOOK, "-e", script], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    facts = json.loads(proc.stdout.strip().splitlines()[-1])
    assert facts["before"] == loaded_before_access
    assert facts["value"] == "alpha-thing"
    assert facts["keys"] == ["alphaThing", "beta"]
    assert "alpha-thing" in facts["after"]


def test_unknown_package_layout_is_left_to_the_normal_import(tmp_path):
    pkg = tmp_path / f"{PREFIX}handwritten"
    (pkg / "_jsii").mkdir(parents=True)
    (pkg / "_jsii" / "__init__.py").write_text(
        'x = jsii.JSIIAssembly.load(\n    "@x/handwritten", "1.0.0"\n)\n'
    )
    (pkg / "__init__.py").write_text(
        'from . import thing\n__all__ = [\n    "thing",\n]\n\nclass Root:\n    pass\n\npublication.publish()\n'
    )
    spec = importlib.machinery.PathFinder.find_spec(pkg.name, [str(tmp_path)])
    assert _prebuilt_layout(spec) is None
    # Same package without the root class: the prebuilt layout.
    (pkg / "__init__.py").write_text(
        'from . import thing\n__all__ = [\n    "thing",\n]\n\npublication.publish()\n'
    )
    spec = importlib.machinery.PathFinder.find_spec(pkg.name, [str(tmp_path)])
    assert _prebuilt_layout(spec) == ("@x/handwritten", ["thing"])
