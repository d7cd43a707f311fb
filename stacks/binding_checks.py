"""The prebuilt provider bindings' run-time type work: off for a synth, on for the tests.

Each generated provider class checks every argument of every call with typeguard before it
reaches jsii, inside `if __debug__:` blocks (`typing.get_type_hints(<stub>)`, then
`check_type(...)` per argument). A full synth makes ~14,800 such calls with ~124,000 checks:
~2.2 of its ~13.9 CPU seconds (one process, measured 2026-11-30). Besides, every `def` of a
binding evaluates its annotations when the module is imported (`typing.Optional[typing.Union[
...]]`, thousands per module), and every getter evaluates the type of its
`typing.cast(<type>, result)`: another ~0.5 s. The same types are checked before anything runs
by mypy strict (`make typecheck`, in `make test` and `make gate`; the provider submodule classes
stay typed, tests/unit/test_typecheck.py), and the jsii kernel checks every value it
deserializes against the assembly's types, so the Python side only repeats them at run time.

`install(environ)` (called by stacks.lazy_providers.install) loads the provider submodules
(`cdktf_cdktf_provider_<name>.<submodule>`, CDK Terrain's `cdktn_provider_<name>.<submodule>`;
an old name stacks/toolchain.py aliases is left to its finder) compiled by unchecked_code(): at optimization level
1 as `python -O` (`__debug__` False: the checks and the bindings' asserts, `Required property
... is missing` in struct getters, left out), with `from __future__ import annotations`
(annotations stay strings) and `typing.cast(T, x)` compiled as `x` (cast returns x). What the
code does with values is unchanged. Nothing else is touched: not the app's own code (its
asserts stay), not cdktf, constructs or jsii. The bytecode is kept beside the standard files as
`__pycache__/<m>.cpython-3XX.opt-mcai<digest of this file>.pyc`; scripts/compile_imported.py
writes it at install.

MCAI_BINDING_CHECKS=on loads the bindings as published, checks included, and so does a toolchain
measurement (stacks/toolchain.py records the arguments CDK Terrain's providers refuse from
those checks' errors). tests/snapshots' second synth sets it (staging, every check run) and must
write the same bytes as the session's unchecked synth. Any other value than on/off warns and
keeps the checks.
"""

from __future__ import annotations
import __future__

import ast
import contextlib
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import marshal
import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import CodeType, ModuleType

from stacks import toolchain

ENV = "MCAI_BINDING_CHECKS"
OPTIMIZATION = 1  # as `python -O`: __debug__ is False, asserts are left out
FUTURE_ANNOTATIONS = __future__.annotations.compiler_flag
# The bytecode differs from `python -O`'s .opt-1.pyc, and from what another version of this
# module compiled: the tag carries a digest of this file, so a change here (the transform, the
# flags) never serves bytecode an earlier version wrote. The Makefile recompiles at install when
# this file changes (.venv/.installed depends on it).
CACHE_TAG = "mcai" + hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:10]


def wanted(environ: Mapping[str, str]) -> bool:
    """True if the bindings keep their run-time checks (MCAI_BINDING_CHECKS=on)."""
    value = environ.get(ENV, "off").strip().lower()
    if value not in ("on", "off"):
        warnings.warn(
            f"{ENV}={value!r}: expected on or off; the checks stay on", RuntimeWarning, stacklevel=3
        )
        return True
    return value == "on"


def _header(source_path: str) -> bytes:
    """The 16-byte header of a timestamp-based .pyc of the file at `source_path` (PEP 552)."""
    st = os.stat(source_path)
    mtime, size = int(st.st_mtime) & 0xFFFFFFFF, st.st_size & 0xFFFFFFFF
    return importlib.util.MAGIC_NUMBER + bytes(4) + mtime.to_bytes(4, "little") + size.to_bytes(4, "little")


def _valid_pyc(data: bytes, source_path: str) -> bool:
    """True if `data` (a .pyc) was compiled from the file at `source_path` as it is now."""
    return len(data) > 16 and data[:16] == _header(source_path)


class _NoCasts(ast.NodeTransformer):
    """`typing.cast(T, value)` -> `value` (cast returns its second argument unchanged; T is an
    expression evaluated at every call)."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "cast"
            and isinstance(func.value, ast.Name)
            and func.value.id == "typing"
            and len(node.args) == 2
            and not node.keywords
        ):
            return node.args[1]
        return node


def unchecked_code(source: bytes, path: str) -> CodeType:
    """A provider submodule's code without its run-time type work: compiled at optimization
    level 1 (`if __debug__:` checks and asserts out), with `from __future__ import annotations`
    (annotations kept as strings, not evaluated at each `def`), and `typing.cast(T, x)` as `x`."""
    tree = _NoCasts().visit(ast.parse(source, path))
    code: CodeType = compile(
        tree, path, "exec", flags=FUTURE_ANNOTATIONS, dont_inherit=True, optimize=OPTIMIZATION
    )
    return code


def cache_path(source_path: str) -> str:
    """Where the unchecked bytecode of `source_path` is kept:
    `__pycache__/<m>.<python tag>.opt-mcai<digest of this module>.pyc`."""
    return importlib.util.cache_from_source(source_path, optimization=CACHE_TAG)


def write_bytecode(source_path: str) -> CodeType:
    """unchecked_code() of the file at `source_path`, also written to cache_path() (atomically:
    a concurrent reader sees the old file or the new one; a read-only tree is left as it is)."""
    header = _header(source_path)
    with open(source_path, "rb") as fh:
        code = unchecked_code(fh.read(), source_path)
    cached = cache_path(source_path)
    tmp = f"{cached}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(cached), exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(header + marshal.dumps(code))
        os.replace(tmp, cached)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return code


def remove_stale_bytecode(source_path: str) -> int:
    """Remove the unchecked bytecode of `source_path` an earlier version of this module wrote
    (another tag); returns how many files went. Called at install (scripts/compile_imported.py)."""
    current = Path(cache_path(source_path))
    removed = 0
    for old in current.parent.glob(f"{Path(source_path).stem}.*.opt-mcai*.pyc"):
        if old != current:
            with contextlib.suppress(OSError):
                old.unlink()
                removed += 1
    return removed


class _UncheckedBindingLoader(importlib.machinery.SourceFileLoader):
    """A provider submodule's loader: unchecked_code(), kept in cache_path()."""

    def get_code(self, fullname: str) -> CodeType:
        source_path = self.get_filename(fullname)
        try:
            with open(cache_path(source_path), "rb") as fh:
                data = fh.read()
        except OSError:
            data = b""
        if _valid_pyc(data, source_path):
            try:
                code = marshal.loads(data[16:])
            except (EOFError, ValueError, TypeError):
                code = None  # a torn or foreign file: compiled again (and rewritten) below
            if isinstance(code, CodeType):
                return code
        if sys.dont_write_bytecode:  # PYTHONDONTWRITEBYTECODE: compile, write nothing
            return unchecked_code(self.get_data(source_path), source_path)
        return write_bytecode(source_path)


class _UncheckedBindingFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        package, _, submodule = fullname.partition(".")
        if (
            not package.startswith(toolchain.PROVIDER_PREFIXES)
            or not submodule
            or "." in submodule
            or submodule.startswith("_")
        ):
            return None  # the package root and its _jsii module are not bindings
        parent = sys.modules.get(package)
        if parent is None or parent.__name__ != package:
            return None  # an alias (stacks/toolchain.py maps cdktf names to cdktn's): its finder
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return None
        spec.loader = _UncheckedBindingLoader(fullname, spec.loader.path)
        return spec


def install(environ: Mapping[str, str]) -> bool:
    """Compile provider submodules imported from now on without their checks, unless
    MCAI_BINDING_CHECKS=on. Idempotent; returns True if the checks are off."""
    if wanted(environ) or toolchain.recording():  # a toolchain measurement reads the checks' errors
        return False
    if not any(isinstance(f, _UncheckedBindingFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _UncheckedBindingFinder())
    return True
