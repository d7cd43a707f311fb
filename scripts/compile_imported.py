"""Compile bytecode for what the app can import, not for all 6,753 provider submodules.

Why: `uv sync --compile-bytecode` compiles every file of the prebuilt provider packages; the
app imports about 120 of their submodules (stacks/lazy_providers.py loads only those). This
compiles the whole environment except the provider submodules that no source file of this
repository names, in parallel. A submodule left out (one jsii imports to resolve a type) is
compiled by Python on its first import and cached like any other. The provider submodules
are compiled twice: as usual and without their run-time type work (`.opt-mcai<digest>.pyc`), the form
a synth loads them in (stacks/binding_checks.py).

Run with the project's interpreter: `.venv/bin/python scripts/compile_imported.py`.
"""

from __future__ import annotations

import py_compile
import re
import sys
import sysconfig
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from stacks import binding_checks  # noqa: E402  (the repository root on the path first)

SOURCES = ("stacks", "constructs_lib", "review", "policies", "tests", "bench", "main.py")
NAMED = re.compile(r"\b(cdktf_cdktf_provider_[a-z0-9_]+)\.([a-z0-9_]+)")
PROVIDER = re.compile(r"cdktf_cdktf_provider_[a-z0-9_]+")


def named_submodules() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else path.rglob("*.py")
        for file in files:
            found.update(NAMED.findall(file.read_text(encoding="utf-8")))
    return found


def files_to_compile(site: Path, keep: set[tuple[str, str]]) -> tuple[list[Path], int]:
    files: list[Path] = []
    skipped = 0
    for path in site.rglob("*.py"):
        parts = path.relative_to(site).parts
        provider_submodule = len(parts) > 2 and PROVIDER.fullmatch(parts[0]) and not parts[1].startswith("_")
        if provider_submodule and (parts[0], parts[1]) not in keep:
            skipped += 1
            continue
        files.append(path)
    return files, skipped


def _compile(path: Path) -> bool:
    try:
        py_compile.compile(str(path), doraise=True)
        if PROVIDER.fullmatch(path.parent.parent.name) and not path.parent.name.startswith("_"):
            binding_checks.write_bytecode(str(path))  # the form a synth loads it in
            binding_checks.remove_stale_bytecode(str(path))  # what an earlier version of it wrote
    except (py_compile.PyCompileError, SyntaxError):
        return False  # a file that does not compile (a test fixture) is left alone, as pip does
    return True


def main() -> int:
    site = Path(sysconfig.get_paths()["purelib"])
    files, skipped = files_to_compile(site, named_submodules())
    with ProcessPoolExecutor() as pool:
        results = list(pool.map(_compile, files, chunksize=64))
    print(
        f"compiled {sum(results)} of {len(files)} files in {site} ({skipped} unused provider files left to first use)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
