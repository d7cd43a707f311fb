"""stacks/toolchain.py: the one seam that maps the app's cdktf imports to CDK Terrain.

Pure Python: the finder runs in a subprocess on fake `cdktn` / `cdktn_provider_demo` packages
written to tmp_path, so no jsii and no real toolchain is needed. The real module names come
from the cdktn wheels (toolchains/cdktn/uv.lock): `cdktn`, `cdktn_provider_aws.eks_cluster`.
One test runs against the real .venv-cdktn when it is installed (`make synth-only TOOLCHAIN=cdktn`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from stacks.toolchain import CDKTF, CDKTN, ToolchainError, select

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("app_name", "cdktn_name"),
    [
        ("cdktf", "cdktn"),
        ("cdktf.testing_matchers", "cdktn.testing_matchers"),
        ("cdktf_cdktf_provider_aws", "cdktn_provider_aws"),
        ("cdktf_cdktf_provider_aws.eks_cluster", "cdktn_provider_aws.eks_cluster"),
        ("cdktf_cdktf_provider_azuread.application", "cdktn_provider_azuread.application"),
    ],
)
def test_cdktn_maps_cdktf_import_names_to_the_wheel_module_names(app_name, cdktn_name):
    assert CDKTN.module_for(app_name) == cdktn_name


@pytest.mark.parametrize(
    "name", ["constructs", "cdktfx", "cdktf_cdktf_provider_", "jsii", "stacks.app", "cdktn_provider_aws"]
)
def test_names_that_are_not_cdktf_modules_are_not_mapped(name):
    assert CDKTN.module_for(name) is None


def test_cdktf_toolchain_maps_every_name_to_itself():
    assert CDKTF.module_for("cdktf_cdktf_provider_aws.eks_cluster") == "cdktf_cdktf_provider_aws.eks_cluster"
    assert CDKTF.module_for("cdktf") == "cdktf"


def test_select_defaults_to_cdktf_and_rejects_unknown_names_with_the_choices():
    assert select(None) is CDKTF and select("") is CDKTF
    assert select("CDKTN ") is CDKTN
    with pytest.raises(ToolchainError, match=r"TOOLCHAIN='terraform' .*cdktf, cdktn"):
        select("terraform")


FAKE = {
    "cdktn/__init__.py": "class App:\n    pass\n",
    "cdktn_provider_demo/__init__.py": "",
    "cdktn_provider_demo/thing.py": textwrap.dedent(
        """
        class Thing:
            def __init__(self, scope, id_, *, name, size=1):
                self.args = (scope, id_, name, size)

        class ThingBlock:
            def __init__(self, *, enabled):
                self.enabled = enabled

        class Retention:  # jsii's check_type message, word for word (google 8 StorageBucket)
            def __init__(self, *, retention_period: str, mode=None):
                for name, value, want in (("retention_period", retention_period, str), ("mode", mode, list)):
                    if value is not None and not isinstance(value, want):
                        raise TypeError(
                            f"type of argument {name} must be {want.__name__}; got {type(value).__name__} instead"
                        )
                self.values = (retention_period, mode)
        """
    ),
}


def _run(tmp_path: Path, body: str) -> dict:
    for rel, text in FAKE.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    script = textwrap.dedent(
        f"""
        import json, sys
        sys.path[:0] = [{str(tmp_path)!r}, {str(REPO)!r}]
        from stacks import toolchain
        out = {{}}
        """
    ) + textwrap.dedent(body)
    script += "\nprint(json.dumps(out))\n"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_cdktn_imports_of_cdktf_names_bind_the_same_module_objects(tmp_path):
    out = _run(
        tmp_path,
        """
        toolchain.install(toolchain.CDKTN)
        import cdktf, cdktn
        from cdktf import App
        from cdktf_cdktf_provider_demo.thing import Thing
        import cdktn_provider_demo.thing as real
        out["same_core"] = cdktf is cdktn and App is cdktn.App
        out["same_class"] = Thing is real.Thing
        out["real_name"] = Thing.__module__
        out["spec_kept"] = real.__spec__.name
        out["package_attr"] = sys.modules["cdktf_cdktf_provider_demo"].thing is real
        out["active"] = toolchain.active().name
        """,
    )
    assert out == {
        "same_core": True,
        "same_class": True,
        "real_name": "cdktn_provider_demo.thing",
        "spec_kept": "cdktn_provider_demo.thing",
        "package_attr": True,
        "active": "cdktn",
    }


def test_without_record_an_unknown_argument_fails_like_the_binding_does(tmp_path):
    out = _run(
        tmp_path,
        """
        toolchain.install(toolchain.CDKTN)
        from cdktf_cdktf_provider_demo.thing import Thing
        try:
            Thing(None, "t", name="a", service_endpoints=["x"])
        except TypeError as exc:
            out["error"] = str(exc)
        """,
    )
    assert "unexpected keyword argument 'service_endpoints'" in out["error"]


def test_record_drops_and_records_each_unknown_argument_and_keeps_the_known_ones(tmp_path):
    out = _run(
        tmp_path,
        """
        rec = toolchain.Incompatibilities()
        toolchain.install(toolchain.CDKTN, rec)
        from cdktf_cdktf_provider_demo.thing import Thing, ThingBlock
        class Scope:
            class node:
                path = "dev-azure-eastus-cluster/network"
        t = Thing(Scope(), "subnet", name="a", size=3, service_endpoints=["x"])
        b = ThingBlock(enabled=True, legacy=1)
        out["args"] = [t.args[1], t.args[2], t.args[3], b.enabled]
        out["dropped"] = rec.as_json()
        """,
    )
    assert out["args"] == ["subnet", "a", 3, True]
    assert out["dropped"] == [
        {
            "module": "cdktn_provider_demo.thing",
            "class": "Thing",
            "argument": "service_endpoints",
            "kind": "dropped",
            "count": 1,
            "paths": ["dev-azure-eastus-cluster/network/subnet"],
        },
        {
            "module": "cdktn_provider_demo.thing",
            "class": "ThingBlock",
            "argument": "legacy",
            "kind": "dropped",
            "count": 1,
            "paths": [""],
        },
    ]


def test_record_passes_an_empty_block_for_a_newly_required_one_and_records_it(tmp_path):
    out = _run(
        tmp_path,
        """
        rec = toolchain.Incompatibilities()
        toolchain.install(toolchain.CDKTN, rec)
        from cdktf_cdktf_provider_demo.thing import ThingBlock
        out["enabled"] = ThingBlock().enabled
        out["found"] = [(f["argument"], f["kind"]) for f in rec.as_json()]
        """,
    )
    assert out == {"enabled": {}, "found": [["enabled", "required"]]}


def test_record_converts_a_number_to_a_string_argument_and_drops_other_type_changes(tmp_path):
    out = _run(
        tmp_path,
        """
        rec = toolchain.Incompatibilities()
        toolchain.install(toolchain.CDKTN, rec)
        from cdktf_cdktf_provider_demo.thing import Retention
        out["values"] = Retention(retention_period=604800, mode="locked").values
        out["found"] = [(f["argument"], f["kind"]) for f in rec.as_json()]
        """,
    )
    assert out["values"] == ["604800", None]
    assert out["found"] == [["mode", "type str->list (dropped)"], ["retention_period", "type int->str"]]


def test_record_puts_an_unappliable_placeholder_in_a_newly_required_string(tmp_path):
    out = _run(
        tmp_path,
        """
        rec = toolchain.Incompatibilities()
        toolchain.install(toolchain.CDKTN, rec)
        from cdktf_cdktf_provider_demo.thing import Retention
        out["values"] = Retention().values
        out["found"] = [(f["argument"], f["kind"]) for f in rec.as_json()]
        """,
    )
    assert out["values"] == ["${MISSING_REQUIRED_ARGUMENT}", None]
    assert out["found"] == [["retention_period", "required"]]


def test_install_refuses_after_a_cdktf_module_was_imported(tmp_path):
    (tmp_path / "cdktf_cdktf_provider_old").mkdir()
    (tmp_path / "cdktf_cdktf_provider_old" / "__init__.py").write_text("")
    out = _run(
        tmp_path,
        """
        import cdktf_cdktf_provider_old
        try:
            toolchain.install(toolchain.CDKTN)
        except toolchain.ToolchainError as exc:
            out["error"] = str(exc)
        """,
    )
    assert "cdktf_cdktf_provider_old was imported before the toolchain was chosen" in out["error"]


def test_a_toolchain_missing_from_the_interpreter_says_how_to_install_it():
    proc = subprocess.run(
        [sys.executable, "-c", "from stacks import toolchain; toolchain.install(toolchain.CDKTN)"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    if proc.returncode == 0:
        pytest.skip("this interpreter has cdktn installed")
    assert "ToolchainError" in proc.stderr
    assert "make synth-only TOOLCHAIN=cdktn" in proc.stderr


CDKTN_PY = REPO / ".venv-cdktn" / "bin" / "python"


@pytest.mark.skipif(not CDKTN_PY.exists(), reason="needs .venv-cdktn (make synth-only TOOLCHAIN=cdktn)")
def test_real_cdktn_wheels_answer_the_apps_imports():
    script = textwrap.dedent(
        """
        import json
        from stacks import toolchain
        toolchain.install(toolchain.CDKTN)
        from cdktf import App, TerraformStack
        from cdktf_cdktf_provider_aws.eks_cluster import EksCluster
        from cdktf_cdktf_provider_random.pet import Pet
        print(json.dumps([App.__module__, EksCluster.__module__, Pet.__module__]))
        """
    )
    proc = subprocess.run(
        [str(CDKTN_PY), "-c", script], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1]) == [
        "cdktn",
        "cdktn_provider_aws.eks_cluster",
        "cdktn_provider_random.pet",
    ]


NODE_HOOK = REPO / "stacks" / "lazy_providers_node.js"


def _cdktn_package(root: Path, lazy_exports: list[str]) -> Path:
    """A @cdktn/provider-demo laid out as the real wheels' JS is (index.js eager, lazy-index.js)."""
    lib = root / "node_modules" / "@cdktn" / "provider-demo" / "lib"
    for name in ("alpha", "beta"):
        (lib / name).mkdir(parents=True)
        (lib / name / "index.js").write_text(
            f'globalThis.loaded = (globalThis.loaded || []).concat("{name}");\n'
        )
    eager = "".join(f'exports.{n} = __importStar(require("./{n}/index"));\n' for n in ("alpha", "beta"))
    (lib / "index.js").write_text('"use strict";\nconst __importStar = (m) => m;\n' + eager)
    lazy = "".join(
        f"Object.defineProperty(exports, '{n}', {{ get: function () {{ return require('./{n}'); }} }});\n"
        for n in lazy_exports
    )
    (lib / "lazy-index.js").write_text('"use strict";\n' + lazy)
    return lib / "index.js"


def _node_loaded(index: Path, access: str) -> list[str]:
    script = (
        f"const m = require({str(index)!r}); {access}; console.log(JSON.stringify(globalThis.loaded || []));"
    )
    proc = subprocess.run(
        ["node", "--require", str(NODE_HOOK), "-e", script], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_node_preload_serves_cdktn_lazy_index_so_only_used_submodules_load(tmp_path):
    index = _cdktn_package(tmp_path, ["alpha", "beta"])
    assert _node_loaded(index, "") == []
    assert _node_loaded(index, "m.beta") == ["beta"]


def test_node_preload_keeps_the_eager_index_when_lazy_index_does_not_match(tmp_path):
    index = _cdktn_package(tmp_path, ["alpha"])  # one export missing: not trusted
    assert _node_loaded(index, "") == ["alpha", "beta"]
