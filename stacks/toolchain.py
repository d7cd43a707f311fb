"""The one place the CDK toolchain is chosen: cdktf (default) or CDK Terrain (cdktn).

Why a seam and not an edit of every import: the app's source imports `cdktf`, `constructs` and
`cdktf_cdktf_provider_<p>.<resource>` (about 60 modules, edited by many people). CDK Terrain, the
maintained fork of cdktf (cdktf and its prebuilt providers were archived in December 2025), ships
the same classes under other top-level names. Verified in the installed wheels
(toolchains/cdktn/uv.lock):

    cdktf                                   -> cdktn                (jsii assembly "cdktn")
    cdktf_cdktf_provider_<p>.<submodule>    -> cdktn_provider_<p>.<submodule>
                                               (jsii assembly "@cdktn/provider-<p>")
    constructs                              -> constructs           (unchanged)

Every class of cdktf 0.21's root module exists in cdktn 0.24's root module, and the provider
submodules keep their snake_case names. So `install(CDKTN)` puts a finder at the front of
`sys.meta_path` that answers an import of an old name with the module of the new name: the
same module object is bound under both names in `sys.modules` (`import cdktf` gives the cdktn
module; `cdktf.App is cdktn.App`). Nothing is copied or wrapped, so jsii sees only the real
classes and their real FQNs. The hand-written Megaport binding (constructs_lib/megaport)
subclasses `cdktf.TerraformProvider`/`TerraformResource` and goes through the same mapping.

Where the fork's provider has dropped or renamed a class or argument the app uses, the import or
the synth fails loudly under cdktn and the comparison (toolchains/compare.py) records it; the
seam never substitutes anything.

Recording mode (`install(CDKTN, record=Incompatibilities())`, what `make synth-only
TOOLCHAIN=cdktn` uses): the fork's providers are newer major versions (google 8, azurerm 5), so
some keyword arguments the app passes no longer exist in their bindings (or a block became
required) and the constructor raises `TypeError`, one at a time. To see all of them in one run,
the seam then wraps the constructors of the provider classes the app imports: an argument the
new class does not accept is dropped AND recorded (class, argument, construct path), a newly
required block gets an empty block (a newly required string the placeholder
`${MISSING_REQUIRED_ARGUMENT}`, which `terraform validate` rejects) AND is recorded, a number passed where the new binding wants
a string is converted as Terraform would (`7` -> `"7"`) AND recorded, any other type mismatch is
dropped AND recorded; the synth
writes the list to `<out>/toolchain.json` and the comparison report puts it first. The
synthesized plan therefore lacks those arguments - it is a measurement, never a plan to apply.
Without `record` nothing is wrapped and the first such argument fails the synth.

Only the entry points read the process environment (`TOOLCHAIN`) and pass the name to
`select()`; call `install()` before anything imports cdktf, constructs or a provider package.
The cdktn prebuilt packages are lazy in Python already (their `__init__` imports submodules on
first attribute access), so stacks.lazy_providers' finder leaves them alone; its node preload
serves each package's own lib/lazy-index.js in place of the eager lib/index.js.
"""

from __future__ import annotations

import functools
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any


@dataclass(frozen=True)
class Toolchain:
    """A CDK toolchain: its core package and the prefix of its prebuilt provider packages."""

    name: str
    core: str  # the cdktf-compatible core module
    provider_prefix: str  # prefix of the prebuilt provider packages: <prefix><provider>
    install_hint: str  # how to get an interpreter that has it

    def module_for(self, fullname: str) -> str | None:
        """The module of this toolchain that stands for `fullname`, an import name the app uses
        (cdktf's names), or None when `fullname` is not a toolchain module."""
        head, dot, rest = fullname.partition(".")
        if head == CDKTF.core:
            return self.core + dot + rest
        if head.startswith(CDKTF.provider_prefix) and len(head) > len(CDKTF.provider_prefix):
            return self.provider_prefix + head[len(CDKTF.provider_prefix) :] + dot + rest
        return None


CDKTF = Toolchain(
    name="cdktf",
    core="cdktf",
    provider_prefix="cdktf_cdktf_provider_",
    install_hint="make synth-only (installs .venv from uv.lock)",
)
CDKTN = Toolchain(
    name="cdktn",
    core="cdktn",
    provider_prefix="cdktn_provider_",
    install_hint="make synth-only TOOLCHAIN=cdktn (installs .venv-cdktn from toolchains/cdktn/uv.lock)",
)
TOOLCHAINS = {t.name: t for t in (CDKTF, CDKTN)}
PROVIDER_PREFIXES = tuple(t.provider_prefix for t in TOOLCHAINS.values())  # every toolchain's providers
DEFAULT = CDKTF


class ToolchainError(Exception):
    """A toolchain name that does not exist, or one this interpreter does not have."""


def select(name: str | None) -> Toolchain:
    """The toolchain called `name` (the TOOLCHAIN setting; empty or None: the default, cdktf)."""
    if not name:
        return DEFAULT
    try:
        return TOOLCHAINS[name.strip().lower()]
    except KeyError:
        raise ToolchainError(
            f"TOOLCHAIN={name!r} is not a toolchain: use one of {', '.join(sorted(TOOLCHAINS))} "
            f"(default {DEFAULT.name})."
        ) from None


@dataclass
class Incompatibilities:
    """Arguments the app passed that the selected toolchain's classes do not accept."""

    # (module, class, argument, kind) -> construct paths (or "" for a struct); kind is
    # "dropped" (the app passes it, the class no longer accepts it) or "required" (the class
    # requires a block the app does not pass; an empty block was passed in its place)
    found: dict[tuple[str, str, str, str], list[str]] = field(default_factory=dict)

    def add(self, module: str, cls: str, argument: str, where: str, kind: str = "dropped") -> None:
        self.found.setdefault((module, cls, argument, kind), []).append(where)

    def as_json(self) -> list[dict[str, Any]]:
        return [
            {"module": m, "class": c, "argument": a, "kind": k, "count": len(w), "paths": sorted(set(w))[:20]}
            for (m, c, a, k), w in sorted(self.found.items())
        ]


# What a newly required string argument gets in recording mode: an invalid reference.
MISSING_REQUIRED = "${MISSING_REQUIRED_ARGUMENT}"
_TYPE_CHECK = re.compile(
    r"type of argument (?P<arg>\w+) must be (?P<expected>[\w.\[\], ]+); got (?P<got>[\w.]+) instead"
)


def _construct_path(args: tuple[Any, ...]) -> str:
    # Constructs are (scope, id_, **props): the path the plan will show.
    if len(args) >= 2 and isinstance(args[1], str) and hasattr(args[0], "node"):
        try:
            return f"{args[0].node.path}/{args[1]}"
        except Exception:  # a scope jsii cannot answer for: the id alone still helps
            return args[1]
    return ""


def _wrap_constructor(cls: type, record: Incompatibilities) -> None:
    init = cls.__dict__.get("__init__")
    if init is None or getattr(init, "__toolchain_wrapped__", False):
        return
    try:
        params = inspect.signature(init).parameters
    except (TypeError, ValueError):
        return
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return
    accepted = frozenset(params)
    # A newly required argument gets the placeholder if it is a string, else an empty block
    # (jsii takes a dict for a struct); a required number or list still fails, loudly.
    required = {
        n: MISSING_REQUIRED if p.annotation in (str, "str", "builtins.str") else {}
        for n, p in params.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty
    }

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> Any:
        unknown = [k for k in kwargs if k not in accepted]
        missing = [k for k in required if k not in kwargs]
        if unknown or missing:
            where = _construct_path(args)
            for name in unknown:
                record.add(cls.__module__, cls.__qualname__, name, where)
                del kwargs[name]
            for name in missing:
                record.add(cls.__module__, cls.__qualname__, name, where, kind="required")
                kwargs[name] = required[name]
        for _ in range(len(kwargs) + 1):
            try:
                return init(self, *args, **kwargs)
            except TypeError as exc:
                # jsii's type check: "type of argument retention_period must be str; got int instead"
                m = _TYPE_CHECK.match(str(exc))
                if m is None or m["arg"] not in kwargs:
                    raise
                name, value, where = m["arg"], kwargs[m["arg"]], _construct_path(args)
                if m["expected"] == "str" and isinstance(value, int | float) and not isinstance(value, bool):
                    # Terraform itself converts a number to a string attribute; do the same.
                    record.add(cls.__module__, cls.__qualname__, name, where, kind=f"type {m['got']}->str")
                    kwargs[name] = str(value)
                elif name in missing:
                    raise
                else:
                    record.add(
                        cls.__module__,
                        cls.__qualname__,
                        name,
                        where,
                        kind=f"type {m['got']}->{m['expected']} (dropped)",
                    )
                    del kwargs[name]
        raise AssertionError("unreachable")

    setattr(__init__, "__toolchain_wrapped__", True)  # noqa: B010 (a marker on a function)
    setattr(cls, "__init__", __init__)  # noqa: B010 (mypy refuses assigning __init__ directly)


def _wrap_module(module: ModuleType, record: Incompatibilities) -> None:
    for value in list(vars(module).values()):
        if isinstance(value, type) and value.__module__ == module.__name__:
            _wrap_constructor(value, record)


class _AliasLoader(importlib.abc.Loader):
    """Loads an old name by importing the new one and binding the same module object."""

    def __init__(self, target: str, record: Incompatibilities | None = None) -> None:
        self.target = target
        self.record = record
        self._spec: importlib.machinery.ModuleSpec | None = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        self._spec = module.__spec__
        if self.record is not None and "." in self.target:
            _wrap_module(module, self.record)  # a provider submodule (resource, struct classes)
        return module

    def exec_module(self, module: ModuleType) -> None:
        # module_from_spec() set the alias spec on the shared module; the module stays the new
        # package's own (its __name__ was never touched), so give it back its real spec.
        module.__spec__ = self._spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    def __init__(self, toolchain: Toolchain, record: Incompatibilities | None = None) -> None:
        self.toolchain = toolchain
        self.record = record

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        new = self.toolchain.module_for(fullname)
        if new is None or new == fullname:
            return None
        if "." not in new and importlib.util.find_spec(new) is None:
            return None  # let the ordinary import raise; check_installed() explains it first
        # Not a package spec: __path__ (and __file__) stay the real module's own; submodules of
        # an aliased package are found through its real __path__ and aliased here again.
        record = self.record if new.startswith(self.toolchain.provider_prefix) else None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(new, record))


def active() -> Toolchain:
    """The toolchain installed in this process (cdktf when install() mapped nothing)."""
    for finder in sys.meta_path:
        if isinstance(finder, _AliasFinder):
            return finder.toolchain
    return DEFAULT


def recording() -> bool:
    """True if the installed toolchain records the arguments its providers refuse (a measurement,
    install(toolchain, record)): it reads the bindings' own type checks, so they must run."""
    return any(isinstance(f, _AliasFinder) and f.record is not None for f in sys.meta_path)


def package_versions(toolchain: Toolchain) -> dict[str, str]:
    """Installed distribution versions of the toolchain's core, constructs, jsii and providers."""
    from importlib import metadata

    dist_prefix = toolchain.provider_prefix.replace("_", "-")
    wanted = {toolchain.core, "constructs", "jsii"}
    out = {}
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if name in wanted or name.startswith(dist_prefix):
            out[name] = dist.version
    return dict(sorted(out.items()))


def check_installed(toolchain: Toolchain) -> None:
    """Raise ToolchainError, saying how to fix it, when this interpreter lacks the toolchain."""
    if importlib.util.find_spec(toolchain.core) is None:
        raise ToolchainError(
            f"toolchain {toolchain.name}: package {toolchain.core!r} is not installed in "
            f"{sys.executable}; run `{toolchain.install_hint}` or use that venv's python."
        )


def install(toolchain: Toolchain, record: Incompatibilities | None = None) -> Toolchain:
    """Make the app's cdktf imports resolve to `toolchain`'s packages. Idempotent per toolchain.

    cdktf needs no mapping. `record`: drop and record provider arguments the toolchain's
    classes do not accept (see the module docstring) instead of failing on the first. Raises ToolchainError if another toolchain was installed in this
    process already or a toolchain module was imported before the call (it would stay cdktf's).
    """
    check_installed(toolchain)
    current = active()
    if current == toolchain:
        return toolchain
    if current != DEFAULT:
        raise ToolchainError(f"toolchain {current.name} is installed in this process already")
    loaded = sorted(
        n
        for n in list(sys.modules)
        if n.partition(".")[0] == CDKTF.core or n.startswith(CDKTF.provider_prefix)
    )
    if loaded:
        raise ToolchainError(
            f"toolchain {toolchain.name}: {loaded[0]} was imported before the toolchain was chosen; "
            "call stacks.toolchain.install() first in the entry point."
        )
    if toolchain != CDKTF:
        sys.meta_path.insert(0, _AliasFinder(toolchain, record))
    return toolchain
