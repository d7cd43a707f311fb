"""stacks.binding_checks: provider submodules compiled without their typeguard checks, and back.

Nothing here imports a provider submodule (that would start node): the loader's code objects
are compiled and inspected. That a checked and an unchecked synth write the same bytes is
tested on the whole staging plan by tests/snapshots (the second synth runs the other way).
"""

from __future__ import annotations

import dis
import importlib.util
import os
import py_compile
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


@pytest.fixture
def source(tmp_path) -> Path:
    """A copy of the random provider's `password` submodule, so bytecode is written in tmp_path."""
    target = tmp_path / "cdktf_cdktf_provider_random" / "password" / "__init__.py"
    target.parent.mkdir(parents=True)
    shutil.copyfile(_random_package() / "password" / "__init__.py", target)
    return target


def _nested(code: types.CodeType, name: str) -> types.CodeType:
    for const in code.co_consts:
        if isinstance(const, types.CodeType) and const.co_name == name:
            return const
    raise AssertionError(f"no code object {name!r} in {code.co_name}")


def _init_names(code: types.CodeType) -> set[str]:
    """The globals and attributes the Password constructor loads (its co_names would still list
    the names of code the compiler removed)."""
    init = _nested(_nested(code, "Password"), "__init__")
    loads = ("LOAD_GLOBAL", "LOAD_ATTR", "LOAD_METHOD")
    return {str(i.argval) for i in dis.get_instructions(init) if i.opname in loads}


def test_the_switch_reads_on_and_off():
    assert binding_checks.wanted({}) is False
    assert binding_checks.wanted({"MCAI_BINDING_CHECKS": "off"}) is False
    assert binding_checks.wanted({"MCAI_BINDING_CHECKS": " ON "}) is True
    with pytest.warns(RuntimeWarning, match="expected on or off"):
        assert binding_checks.wanted({"MCAI_BINDING_CHECKS": "yes"}) is True


def test_the_loader_leaves_the_checks_out_that_the_plain_compile_has(source, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    plain = compile(source.read_bytes(), str(source), "exec", dont_inherit=True)
    assert {"get_type_hints", "check_type"} <= _init_names(plain)  # the published form checks

    unchecked = _UncheckedBindingLoader(NAME, str(source)).get_code(NAME)
    assert not {"get_type_hints", "check_type"} & _init_names(unchecked)
    assert "jsii" in _init_names(unchecked)  # the call into node itself stays
    assert not (source.parent / "__pycache__").exists()  # PYTHONDONTWRITEBYTECODE is obeyed


def test_bytecode_is_the_standard_opt_1_file_and_a_changed_source_is_compiled_again(source, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cached = Path(importlib.util.cache_from_source(str(source), optimization=1))
    assert cached.name.endswith(".opt-1.pyc")

    # The file `python -O` (and scripts/compile_imported.py) writes is read without compiling.
    py_compile.compile(str(source), cfile=str(cached), doraise=True, optimize=1)
    compiled = []
    monkeypatch.setattr(binding_checks, "compile", lambda *a, **k: compiled.append(a), raising=False)
    code = _UncheckedBindingLoader(NAME, str(source)).get_code(NAME)
    assert not compiled, "compiled although valid bytecode was there"
    assert not {"get_type_hints", "check_type"} & _init_names(code)

    # A changed source (other size) is stale bytecode: compiled again and the file rewritten.
    source.write_bytes(source.read_bytes() + b"\nCHANGED = 1\n")
    monkeypatch.delattr(binding_checks, "compile")
    code = _UncheckedBindingLoader(NAME, str(source)).get_code(NAME)
    assert "CHANGED" in code.co_names
    assert binding_checks._valid_pyc(cached.read_bytes(), str(source))
    assert not [p for p in cached.parent.iterdir() if p.suffix == ".tmp"]


def test_a_pyc_of_another_source_or_python_is_not_valid(source):
    cached = Path(py_compile.compile(str(source), doraise=True, optimize=1))
    data = cached.read_bytes()
    assert binding_checks._valid_pyc(data, str(source))
    assert not binding_checks._valid_pyc(b"\0\0\0\0" + data[4:], str(source))  # other magic number
    os.utime(source, (1, 1))  # other mtime
    assert not binding_checks._valid_pyc(data, str(source))


def test_the_finder_takes_provider_submodules_only():
    finder = _UncheckedBindingFinder()
    path = [str(_random_package())]
    spec = finder.find_spec(NAME, path)
    assert spec is not None and isinstance(spec.loader, _UncheckedBindingLoader)
    assert spec.origin == str(_random_package() / "password" / "__init__.py")
    assert finder.find_spec("cdktf_cdktf_provider_random", None) is None  # the root: lazy_providers
    assert finder.find_spec("cdktf_cdktf_provider_random._jsii", path) is None
    assert finder.find_spec("cdktf", None) is None
    assert finder.find_spec("stacks.binding_checks", None) is None


def test_install_adds_one_finder_unless_the_checks_are_wanted(monkeypatch):
    monkeypatch.setattr(
        sys, "meta_path", [f for f in sys.meta_path if not isinstance(f, _UncheckedBindingFinder)]
    )
    assert binding_checks.install({"MCAI_BINDING_CHECKS": "on"}) is False
    assert not any(isinstance(f, _UncheckedBindingFinder) for f in sys.meta_path)
    assert binding_checks.install({}) is True
    assert binding_checks.install({}) is True
    assert sum(isinstance(f, _UncheckedBindingFinder) for f in sys.meta_path) == 1
