"""Import the prebuilt cdktf provider packages lazily: only the submodules the app uses.

Why: each prebuilt package's `__init__.py` (`cdktf_cdktf_provider_aws` and its siblings) runs
`from . import <name>` for every one of its submodules (2,212 for aws) and then
`publication.publish()`. Python resolves `from cdktf_cdktf_provider_aws.eks_cluster import
EksCluster` by running that `__init__` first, so one resource costs the whole package: for aws
~0.6 GB and seconds of Python, then as much again in node (numbers: bench/README.md).

How: `install()` puts a finder at the front of `sys.meta_path`. For a top-level
`cdktf_cdktf_provider_*` package that has the prebuilt layout (checked, see `_prebuilt_layout`) it
returns the package's ordinary spec with a loader that creates the module WITHOUT running its
`__init__.py`. The module gets the attributes the published package exposes (`__all__` = the
submodule names, `__path__`, `__file__`, `__spec__`, `__package__`) plus a module `__getattr__`
(PEP 562) that imports `<package>.<name>` on first access, so `aws.eks_cluster` and
`from cdktf_cdktf_provider_aws import eks_cluster` keep working. Submodules are untouched: each
one imports `<package>._jsii` itself (which loads the jsii assembly into node once) and defines its
own `check_type`; no submodule imports another (verified for every installed provider by
tests/unit/test_lazy_providers.py), and the published root exposes nothing but submodules, so
skipping the root body loses nothing a submodule or jsii needs.

jsii type resolution: when node hands back an object, jsii looks its class up by FQN
(`@cdktf/provider-aws.eksCluster.EksClusterIdentityList`) in a registry filled as classes are
defined, i.e. as submodules are imported. A class whose submodule has not been imported is a
registry miss; jsii (1.142.0 is pinned) then calls `_try_import_type_module`, which imports the module named
for the FQN's submodule in `jsii._reference_map._submodule_fqn_map` (a map newer jsii-pacmak
output ships and these prebuilt packages predate). We fill that map for each lazy package, so a
miss imports exactly the right submodule and the lookup succeeds. Without the map jsii would
import only the (already present) root and raise `ValueError: Unknown type` - a loud failure,
never a silently different object. If the installed jsii lacks that machinery, `install()` does
nothing and says so: the eager import is slow but correct.

Node pays the same price a second time: jsii's kernel requires the provider's JS lib/index.js,
which requires every JS submodule (~2.8 s and ~0.5 GB for aws). `install()` therefore also
preloads stacks/lazy_providers_node.js into node (NODE_OPTIONS), which turns those requires into
getters the kernel triggers on first use of a submodule.

Output is unaffected: the same classes are defined by the same files and drive the same node
objects; only the number of unused classes defined differs (tests/unit/test_lazy_providers.py
compares a lazy synth with an eager one byte for byte).

Call `install(<the process environment>)` in each entry point before anything imports cdktf,
constructs or a provider package: it cannot make an imported package lazy, nor node once a jsii
import started it. It is idempotent.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import os
import re
import sys
import warnings
from collections.abc import Callable, MutableMapping, Sequence
from importlib.machinery import ModuleSpec
from importlib.resources.abc import ResourceReader
from pkgutil import extend_path
from types import ModuleType
from typing import Any

from stacks import binding_checks, jsii_direct, jsii_memo

PREFIX = "cdktf_cdktf_provider_"

# The root __init__ of a prebuilt package: a docstring, imports, check_type, `from . import x`
# for every submodule, `__all__ = [...]` and `publication.publish()`. Nothing else may appear
# there for the lazy module to be equivalent; a class or a jsii decorator means a different
# layout, and such a package is imported normally.
_ALL_BLOCK = re.compile(r"^__all__ = \[\n(.*?)^\]", re.S | re.M)
_ALL_NAME = re.compile(r'^\s*"([A-Za-z0-9_]+)",?$', re.M)
_UNEXPECTED = re.compile(r"^(class |@jsii\.|[A-Za-z_][A-Za-z0-9_]* = jsii\.)", re.M)
_FROM_DOT_IMPORT = re.compile(r"^from \. import ([A-Za-z0-9_]+)$", re.M)
_ASSEMBLY = re.compile(r'JSIIAssembly\.load\(\s*"([^"]+)"')


def _jsii_fqn_segment(python_name: str) -> str:
    """`eks_cluster` -> `eksCluster`: the jsii submodule name jsii-pacmak snake-cased."""
    head, *rest = python_name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def _prebuilt_layout(spec: importlib.machinery.ModuleSpec) -> tuple[str, list[str]] | None:
    """(jsii assembly name, submodule names) if `spec` is a prebuilt provider package, else None."""
    if spec.origin is None or not spec.submodule_search_locations:
        return None
    pkg_dir = os.path.dirname(spec.origin)
    try:
        root = _read(spec.origin)
        jsii_init = _read(os.path.join(pkg_dir, "_jsii", "__init__.py"))
    except OSError:
        return None
    block = _ALL_BLOCK.search(root)
    assembly = _ASSEMBLY.search(jsii_init)
    if block is None or assembly is None or _UNEXPECTED.search(root) or "publication.publish()" not in root:
        return None
    names = _ALL_NAME.findall(block.group(1))
    # __all__ is exactly the submodules the root imports with `from . import`.
    if not names or set(names) != set(_FROM_DOT_IMPORT.findall(root)):
        return None
    return assembly.group(1), names


class _LazyPackageLoader(importlib.abc.Loader):
    """Creates a provider package module whose submodules import on first attribute access."""

    def __init__(self, original: importlib.abc.Loader, assembly: str, submodules: list[str]) -> None:
        self.original = original
        self.assembly = assembly
        self.submodules = submodules

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:  # default module creation
        return None

    def exec_module(self, module: ModuleType) -> None:
        name = module.__name__
        submodules = frozenset(self.submodules)

        def __getattr__(attr: str) -> Any:
            if attr in submodules:
                # The import system also binds the submodule on this module, so this runs once.
                return importlib.import_module(f"{name}.{attr}")
            raise AttributeError(f"module {name!r} has no attribute {attr!r}")

        def __dir__() -> list[str]:
            return sorted(set(module.__dict__) | submodules)

        module.__path__ = extend_path(list(module.__path__), name)  # as the original root does
        module.__doc__ = (
            f"Prebuilt cdktf bindings for {self.assembly}, imported lazily by "
            f"stacks.lazy_providers: submodules load on first access."
        )
        # Module-level __all__, __getattr__ and __dir__ (PEP 562) live in the module's namespace.
        vars(module).update(__all__=list(self.submodules), __getattr__=__getattr__, __dir__=__dir__)

        # Let jsii import the right submodule when node returns an object of a class that is
        # not registered yet (see the module docstring).
        from jsii import _reference_map

        _reference_map._submodule_fqn_map.update(
            {f"{self.assembly}.{_jsii_fqn_segment(n)}": f"{name}.{n}" for n in self.submodules}
        )

    # importlib.resources asks the loader for package data; the original loader knows the files.
    def get_resource_reader(self, fullname: str) -> ResourceReader | None:
        reader: Callable[[str], ResourceReader] | None = getattr(self.original, "get_resource_reader", None)
        return reader(fullname) if reader else None


class _LazyProviderFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if not fullname.startswith(PREFIX) or "." in fullname:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        layout = _prebuilt_layout(spec)
        if layout is None:
            return None  # not the layout we know: the normal (eager) import handles it
        spec.loader = _LazyPackageLoader(spec.loader, *layout)
        return spec


def _jsii_resolves_on_demand() -> bool:
    try:
        from jsii import _reference_map
    except ImportError:
        return False
    return isinstance(getattr(_reference_map, "_submodule_fqn_map", None), dict) and callable(
        getattr(_reference_map, "_try_import_type_module", None)
    )


def is_lazy(module: ModuleType) -> bool:
    """True if `module` (a provider package) was created by this hook."""
    return isinstance(getattr(module.__spec__, "loader", None), _LazyPackageLoader)


NODE_HOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lazy_providers_node.js")
# The app's other node preload: path logical ids without a Python callback per element
# (stacks/logical_ids.py). It only acts on stacks that ask for it (a node context key).
LOGICAL_IDS_HOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "logical_ids_node.js")
# And: token creation stack traces off unless MCAI_TOKEN_STACK_TRACES=on (the file says why).
TOKEN_TRACES_HOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "token_traces_node.js")
NODE_HOOKS = (NODE_HOOK, LOGICAL_IDS_HOOK, TOKEN_TRACES_HOOK)
_NODE_PRELOADED = False  # True once install() put the preloads in NODE_OPTIONS before node started


def _node_option() -> str:
    return " ".join(f'--require "{hook}"' if " " in hook else f"--require {hook}" for hook in NODE_HOOKS)


def node_preloaded() -> bool:
    """True if the node kernel this process starts loads the app's preloads (install(environ))."""
    return _NODE_PRELOADED


def _jsii_kernel_started() -> bool:
    # Every jsii package loads its assembly (starting node) when its `_jsii` module is imported.
    return any(name.endswith("._jsii") for name in list(sys.modules))


def _install_node_hook(environ: MutableMapping[str, str]) -> bool:
    global _NODE_PRELOADED
    current = environ.get("NODE_OPTIONS", "")
    if all(hook in current for hook in NODE_HOOKS):
        _NODE_PRELOADED = True  # `environ` is the process environment (install's contract)
        return True
    if _jsii_kernel_started():
        warnings.warn(
            "stacks.lazy_providers.install() ran after a jsii package was imported: node already "
            "runs, so it loads every provider submodule (slow, correct). Call install() first.",
            RuntimeWarning,
            stacklevel=3,
        )
        return False
    environ["NODE_OPTIONS"] = f"{current} {_node_option()}".strip()
    # install's contract: `environ` is the environment node inherits (the entry points pass
    # the process environment). A copy never reaches node: stacks/logical_ids.py would then expect node to
    # allocate path ids it does not (tests/stacks/variant_synth.py once passed a copy; the
    # snapshot and variant tests fail on hashed ids).
    _NODE_PRELOADED = True
    return True


def install(environ: MutableMapping[str, str], *, node: bool = True) -> bool:
    """Make prebuilt provider packages imported from now on lazy. Idempotent.

    `environ` is the process environment the jsii kernel (node) will inherit; the entry point
    passes its own, since nothing below the entry points touches the environment.

    Python side: a meta-path hook (see the module docstring), and the app's other run-time
    seams, each with its module's reasons: stacks.binding_checks (the provider bindings'
    run-time type work off unless MCAI_BINDING_CHECKS=on), stacks.jsii_memo (a resource's
    attribute read again costs no round trip, unless MCAI_JSII_MEMO=off) and, with
    `node=True`, stacks.jsii_direct (the kernel without jsii's relay process unless
    MCAI_JSII_RELAY=on). Node side
    (`node=True`): adds `--require` of the three preloads (NODE_HOOKS) to NODE_OPTIONS in
    `environ` before the kernel starts (the first jsii import starts it). This module's preload
    makes each provider's lib/index.js require its submodules on first use; it touches nothing
    but @cdktf/provider-* index files of the known shape (and @cdktn/provider-* index files,
    served by the package's own lazy-index.js). stacks/logical_ids_node.js allocates path
    logical ids; stacks/token_traces_node.js turns token creation stack traces off unless
    MCAI_TOKEN_STACK_TRACES=on. NODE_OPTIONS reaches every node process this one starts.

    Returns True if the Python hook is active. Returns False (and warns) when the installed
    jsii cannot resolve types of not-yet-imported submodules; imports then stay eager, slow and
    correct. Packages imported before the call stay as they are, and node stays eager if a jsii
    package was imported before the call (warns).
    """
    if node:
        _install_node_hook(environ)
    binding_checks.install(environ)  # the bindings' typeguard checks: off unless MCAI_BINDING_CHECKS=on
    jsii_memo.install(environ)  # a resource attribute read again is answered without a kernel round trip
    if node:
        jsii_direct.install(environ)  # the kernel started without jsii's relay process
    if any(isinstance(f, _LazyProviderFinder) for f in sys.meta_path):
        return True
    if not _jsii_resolves_on_demand():
        warnings.warn(
            "stacks.lazy_providers: this jsii runtime cannot import submodules on demand; "
            "provider packages are imported eagerly (slow, correct).",
            RuntimeWarning,
            stacklevel=2,
        )
        return False
    sys.meta_path.insert(0, _LazyProviderFinder())
    return True
