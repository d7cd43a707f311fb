"""stacks.binding_checks: provider submodules loaded without their run-time type work, and back.

Nothing here imports a provider submodule (that would start node): the loader's code objects
are compiled and inspected, against the published form compiled as Python does. That a checked
and an unchecked synth write the same bytes is tested on the whole staging plan by
tests/snapshots (its second synth runs the other way from the session's).
"""

from __future__ import annotations

import dis
import importlib.util
import os
import re
import shutil
import sys
import types
from pathlib import Path

import pytest

from stacks import binding_checks
from stacks.binding_checks import _UncheckedBindingFinder, _UncheckedBindingLoader

NAME = "cdktf_cdktf_provider_random.password"


def _random_package() -> Path:
    spec = importlib.util.find_spec("cdktf_cdktf_provider_random")  # finds, does not import
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent


RANDOM = _random_package()  # found once, before any test puts a module of that name in place


@pytest.fixture
def source(tmp_path) -> Path:
    """A copy of the random provider's `password` submodule, so bytecode is written in tmp_path."""
    target = tmp_path / "cdktf_cdktf_provider_random" / "password" / "__init__.py"
    target.parent.mkdir(parents=True)
    shutil.copyfile(RANDOM / "password" / "__init__.py", target)
    return target


def _nested(code: types.CodeType, *names: str) -> types.CodeType:
    for name in names:
        found = [c for c in code.co_consts if isinstance(c, types.CodeType) and c.co_name == name]
        assert found, f"no code object {name!r} in {code.co_name}"
        code = found[0]
    return code


def _loads(code: types.CodeType) -> set[str]:
    """The globals and attributes `code` loads (its co_names would still list the names of code
    the compiler removed)."""
    ops = ("LOAD_GLOBAL", "LOAD_ATTR", "LOAD_METHOD")
    return {str(i.argval) for i in dis.get_instructions(code) if i.opname in ops}


def _published(source: Path) -> types.CodeType:
    return compile(source.read_bytes(), str(source), "exec", dont_inherit=True)


def test_the_switch_reads_on_and_off():
    assert binding_checks.wanted({}) is False
    assert binding_checks.wanted({"MCAI_BINDING_CHECKS": "off"}) is False
    assert binding_checks.wanted({"MCAI_BINDING_CHECKS": " ON "}) is True
    with pytest.warns(RuntimeWarning, match="expected on or off"):
        assert binding_checks.wanted({"MCAI_BINDING_CHECKS": "yes"}) is True


def test_the_constructor_checks_no_argument(source, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    published = _nested(_published(source), "Password", "__init__")
    assert {"get_type_hints", "check_type"} <= _loads(published)  # the published form checks

    unchecked = _nested(_UncheckedBindingLoader(NAME, str(source)).get_code(NAME), "Password", "__init__")
    assert not {"get_type_hints", "check_type"} & _loads(unchecked)
    assert "jsii" in _loads(unchecked)  # the call into node itself stays
    assert not (source.parent / "__pycache__").exists()  # PYTHONDONTWRITEBYTECODE is obeyed


def test_getters_return_the_value_without_casting_it(source):
    published = _nested(_published(source), "Password", "result")
    unchecked = _nested(binding_checks.unchecked_code(source.read_bytes(), str(source)), "Password", "result")
    assert {"cast", "get"} <= _loads(published)  # typing.cast(builtins.str, jsii.get(self, "result"))
    assert "get" in _loads(unchecked) and "cast" not in _loads(unchecked)


def test_annotations_are_not_evaluated_at_each_def(source):
    module = binding_checks.unchecked_code(source.read_bytes(), str(source))
    texts = {c for c in module.co_consts if isinstance(c, str)} | {
        item for c in module.co_consts if isinstance(c, tuple) for item in c if isinstance(item, str)
    }
    assert any(t.startswith("typing.Optional[") for t in texts)  # the stubs' annotations, as text
    assert "Optional" not in _loads(module)
    assert "Optional" in _loads(_published(source))  # the published module evaluates them


def test_bytecode_is_kept_and_a_changed_source_is_compiled_again(source, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cached = Path(binding_checks.cache_path(str(source)))
    assert cached.name == f"__init__.{sys.implementation.cache_tag}.opt-{binding_checks.CACHE_TAG}.pyc"
    assert re.fullmatch(r"mcai[0-9a-f]{10}", binding_checks.CACHE_TAG)  # a digest of the compiler
    assert cached != Path(importlib.util.cache_from_source(str(source), optimization=1))  # not python -O's

    _UncheckedBindingLoader(NAME, str(source)).get_code(NAME)
    assert binding_checks._valid_pyc(cached.read_bytes(), str(source))

    compiled: list[str] = []
    real = binding_checks.unchecked_code
    monkeypatch.setattr(
        binding_checks, "unchecked_code", lambda data, path: compiled.append(path) or real(data, path)
    )
    _UncheckedBindingLoader(NAME, str(source)).get_code(NAME)
    assert compiled == [], "compiled again although valid bytecode was kept"

    source.write_bytes(source.read_bytes() + b"\nCHANGED = 1\n")  # other size: stale
    code = _UncheckedBindingLoader(NAME, str(source)).get_code(NAME)
    assert compiled == [str(source)] and "CHANGED" in code.co_names
    assert binding_checks._valid_pyc(cached.read_bytes(), str(source))
    assert not [p for p in cached.parent.iterdir() if p.suffix == ".tmp"]


def test_a_torn_cache_file_is_compiled_again(source, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    binding_checks.write_bytecode(str(source))
    cached = Path(binding_checks.cache_path(str(source)))
    data = cached.read_bytes()
    cached.write_bytes(data[: len(data) // 2])  # the header still matches the source
    code = _UncheckedBindingLoader(NAME, str(source)).get_code(NAME)
    assert isinstance(code, types.CodeType)
    assert cached.read_bytes() != data[: len(data) // 2]  # rewritten whole


def test_install_removes_what_an_earlier_version_compiled(source):
    cache = source.parent / "__pycache__"
    cache.mkdir()
    older = [
        cache / "__init__.cpython-311.opt-mcai.pyc",
        cache / "__init__.cpython-311.opt-mcai0123456789.pyc",
    ]
    kept = [
        cache / "__init__.cpython-311.pyc",
        cache / "__init__.cpython-311.opt-1.pyc",
        cache / "other.cpython-311.opt-mcai.pyc",
    ]
    for f in older + kept:
        f.write_bytes(b"x")
    binding_checks.write_bytecode(str(source))
    assert binding_checks.remove_stale_bytecode(str(source)) == 2
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [Path(binding_checks.cache_path(str(source))).name] + [f.name for f in kept]
    )


def test_a_pyc_of_another_source_state_or_python_is_not_valid(source):
    binding_checks.write_bytecode(str(source))
    data = Path(binding_checks.cache_path(str(source))).read_bytes()
    assert binding_checks._valid_pyc(data, str(source))
    assert not binding_checks._valid_pyc(b"\0\0\0\0" + data[4:], str(source))  # other magic number
    os.utime(source, (1, 1))  # other mtime
    assert not binding_checks._valid_pyc(data, str(source))


def test_the_finder_takes_provider_submodules_only(monkeypatch):
    monkeypatch.setitem(
        sys.modules, "cdktf_cdktf_provider_random", types.ModuleType("cdktf_cdktf_provider_random")
    )
    finder = _UncheckedBindingFinder()
    path = [str(RANDOM)]
    spec = finder.find_spec(NAME, path)
    assert spec is not None and isinstance(spec.loader, _UncheckedBindingLoader)
    assert spec.origin == str(RANDOM / "password" / "__init__.py")
    assert finder.find_spec("cdktf_cdktf_provider_random", None) is None  # the root: lazy_providers
    assert finder.find_spec("cdktf_cdktf_provider_random._jsii", path) is None
    assert finder.find_spec("cdktf", None) is None
    assert finder.find_spec("stacks.binding_checks", None) is None


def test_an_aliased_package_is_left_to_its_own_finder(monkeypatch):
    """stacks/toolchain.py answers `cdktf_cdktf_provider_x` with CDK Terrain's `cdktn_provider_x`
    module: its submodules must go through that alias (which records dropped arguments)."""
    alias = types.ModuleType("cdktn_provider_random")
    alias.__path__ = [str(RANDOM)]
    monkeypatch.setitem(sys.modules, "cdktf_cdktf_provider_random", alias)
    assert _UncheckedBindingFinder().find_spec(NAME, alias.__path__) is None


def test_install_adds_one_finder_unless_the_checks_are_wanted(monkeypatch):
    monkeypatch.setattr(
        sys, "meta_path", [f for f in sys.meta_path if not isinstance(f, _UncheckedBindingFinder)]
    )
    assert binding_checks.install({"MCAI_BINDING_CHECKS": "on"}) is False
    assert not any(isinstance(f, _UncheckedBindingFinder) for f in sys.meta_path)
    assert binding_checks.install({}) is True
    assert binding_checks.install({}) is True
    assert sum(isinstance(f, _UncheckedBindingFinder) for f in sys.meta_path) == 1
