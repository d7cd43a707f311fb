"""The prebuilt provider bindings' run-time argument checks: off for a synth, on for the tests.

Each generated provider class checks every argument of every call with typeguard before it
reaches jsii, inside `if __debug__:` blocks (`typing.get_type_hints(<stub>)`, then
`check_type(...)` per argument). A full synth makes ~14,800 such calls with ~124,000 checks:
~2.2 of its ~13.9 CPU seconds (one process, measured 2026-11-30; bench/README.md). The same
types are checked before anything runs by mypy strict (`make typecheck`, in `make test` and
`make gate`; the provider submodule classes stay typed, tests/unit/test_typecheck.py), and the
jsii kernel checks every value it deserializes against the assembly's types, so the Python
check only repeats them at run time.

`install(environ)` (called by stacks.lazy_providers.install) compiles the provider submodules
(`cdktf_cdktf_provider_<name>.<submodule>`) as `python -O` compiles them: `__debug__` is False
there, the checks and the bindings' asserts (`Required property ... is missing` in struct
getters) are left out. Nothing else changes: not the app's own code (its asserts stay), not
cdktf, constructs or jsii. The bytecode is the standard `__pycache__/<m>.cpython-3XX.opt-1.pyc`
a `python -O` run reads and writes; scripts/compile_imported.py writes it at install.

MCAI_BINDING_CHECKS=on keeps the checks (the tests set it: their synths run every check, and
tests/stacks test that a checked and an unchecked synth write the same bytes). Any other value
than on/off warns and keeps the checks.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import importlib.util
import marshal
import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from importlib.machinery import ModuleSpec
from types import CodeType, ModuleType

PREFIX = "cdktf_cdktf_provider_"
ENV = "MCAI_BINDING_CHECKS"
OPTIMIZATION = 1  # as `python -O`: __debug__ is False, asserts are left out


def wanted(environ: Mapping[str, str]) -> bool:
    """True if the bindings keep their run-time checks (MCAI_BINDING_CHECKS=on)."""
    value = environ.get(ENV, "off").strip().lower()
    if value not in ("on", "off"):
        warnings.warn(
            f"{ENV}={value!r}: expected on or off; the checks stay on", RuntimeWarning, stacklevel=3
        )
        return True
    return value == "on"


def _valid_pyc(data: bytes, source_path: str) -> bool:
    """True if `data` (a .pyc) was compiled from the file at `source_path` as it is now (PEP 552)."""
    if len(data) < 16 or data[:4] != importlib.util.MAGIC_NUMBER:
        return False
    flags = int.from_bytes(data[4:8], "little")
    if flags == 0:  # timestamp based: source mtime and size
        st = os.stat(source_path)
        return data[8:12] == (int(st.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little") and data[12:16] == (
            st.st_size & 0xFFFFFFFF
        ).to_bytes(4, "little")
    if flags & 0b1:  # hash based (SOURCE_DATE_EPOCH builds)
        with open(source_path, "rb") as fh:
            return data[8:16] == importlib.util.source_hash(fh.read())
    return False


class _UncheckedBindingLoader(importlib.machinery.SourceFileLoader):
    """A provider submodule's loader that compiles it with optimization level 1."""

    def get_code(self, fullname: str) -> CodeType:
        source_path = self.get_filename(fullname)
        cached = importlib.util.cache_from_source(source_path, optimization=OPTIMIZATION)
        try:
            with open(cached, "rb") as fh:
                data = fh.read()
        except OSError:
            data = b""
        if _valid_pyc(data, source_path):
            code = marshal.loads(data[16:])
            if isinstance(code, CodeType):
                return code
        source = self.get_data(source_path)
        code = compile(source, source_path, "exec", dont_inherit=True, optimize=OPTIMIZATION)
        if not sys.dont_write_bytecode:
            self._write(cached, source_path, code)
        return code

    @staticmethod
    def _write(cached: str, source_path: str, code: CodeType) -> None:
        st = os.stat(source_path)
        header = (
            importlib.util.MAGIC_NUMBER
            + (0).to_bytes(4, "little")
            + (int(st.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little")
            + (st.st_size & 0xFFFFFFFF).to_bytes(4, "little")
        )
        tmp = f"{cached}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(cached), exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(header + marshal.dumps(code))
            os.replace(tmp, cached)  # atomic: a concurrent reader sees the old file or the new one
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class _UncheckedBindingFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        package, _, submodule = fullname.partition(".")
        if not package.startswith(PREFIX) or not submodule or "." in submodule or submodule.startswith("_"):
            return None  # the package root and its _jsii module are not bindings
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return None
        spec.loader = _UncheckedBindingLoader(fullname, spec.loader.path)
        return spec


def install(environ: Mapping[str, str]) -> bool:
    """Compile provider submodules imported from now on without their checks, unless
    MCAI_BINDING_CHECKS=on. Idempotent; returns True if the checks are off."""
    if wanted(environ):
        return False
    if not any(isinstance(f, _UncheckedBindingFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _UncheckedBindingFinder())
    return True


def is_unchecked(module: ModuleType) -> bool:
    """True if `module` (a provider submodule) was compiled without its checks."""
    return isinstance(getattr(module.__spec__, "loader", None), _UncheckedBindingLoader)
