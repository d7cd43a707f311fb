"""Command line: `python -m stacks validate|synth|schema`.

validate [FILE ...]        check environment files (all of environments/ by default);
                           prints `FILE: key.path: message` for every problem, exit 1 if any.
synth [--env ENV] [--out DIR] [--toolchain cdktf|cdktn]
                           validate, then synthesize the selected environments (all by
                           default) into DIR (cdktf.out). Output is written to a temporary
                           directory and moved into place only when synthesis succeeded.
                           --toolchain (default: $TOOLCHAIN, else cdktf) picks cdktf or CDK
                           Terrain (stacks/toolchain.py); cdktn needs .venv-cdktn's python.
schema [--check]           write environments/schema.json from the models (or check it is current).
backend --env ENV          print the backend block the environment's stacks use (after
                           `make bootstrap-state ENV=...`).
synth --local-state        every stack with local state, whatever `backend:` says (offline
                           `cdktf plan` without access to the state store).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING

from stacks.build_errors import BuildError
from stacks.environments import ENV_DIR, ParameterErrors, environment_files, load_environments
from stacks.validation import ParameterError, _display, load_environment

if TYPE_CHECKING:
    from stacks.params import Environment

SCHEMA_FILE = ENV_DIR / "schema.json"


def _print_problems(exc: ParameterError | ParameterErrors) -> None:
    errors = exc.errors if isinstance(exc, ParameterErrors) else [exc]
    for err in errors:
        for problem in err.problems:
            print(problem.render(err.file), file=sys.stderr)


def cmd_validate(files: list[str]) -> int:
    paths = [Path(f) for f in files] or environment_files()
    failed = False
    loaded = []
    for path in paths:
        try:
            env = load_environment(path)
        except ParameterError as exc:
            _print_problems(exc)
            failed = True
        else:
            loaded.append((path, env))
    if len(loaded) > 1:
        from stacks.cross_file import cross_file

        errors, warnings = cross_file(loaded)
        for line in warnings:
            print(line, file=sys.stderr)
        if errors:
            _print_problems(ParameterErrors(errors))
            failed = True
            bad = {e.file for e in errors}
            loaded = [(p, e) for p, e in loaded if _display(p) not in bad]
    for path, env in loaded:
        print(f"{_display(path)}: ok ({len(env.clusters)} clusters, interconnect {env.interconnect.kind})")
    return 1 if failed else 0


def _remove_abandoned_synths(folder: Path) -> None:
    """Remove `.synth-<pid>-*` folders whose process is gone (a synth killed mid-way)."""
    for leftover in folder.glob(".synth-*"):
        pid = leftover.name.split("-")[1]
        if pid.isdigit() and Path(f"/proc/{pid}").exists():
            continue  # a synth running right now in the same folder
        shutil.rmtree(leftover, ignore_errors=True)


def with_local_state(envs: list[Environment]) -> list[Environment]:
    """The environments with `backend: local`: no state store is reached, none is declared."""
    from stacks.params import LocalBackend

    return [e.model_copy(update={"backend": LocalBackend()}) for e in envs]


def synthesize(
    selection: str | None,
    out: Path,
    environ: MutableMapping[str, str] | None = None,
    *,
    local_state: bool = False,
    toolchain: str | None = None,
    jobs: int | None = None,
) -> list[str]:
    """Validate, build and synthesize; returns the stack ids written. Atomic for `out`.

    `toolchain`: a name for stacks.toolchain.select() (None: cdktf). `jobs`: processes for a synth
    of several environments (default: one per CPU); see _synthesize_in_parallel."""
    envs = load_environments(selection)  # raises before anything is written
    workers = min(jobs or os.cpu_count() or 1, len(envs))
    if workers > 1 and environ is not None and not toolchain:
        return _synthesize_in_parallel(envs, out, environ, workers=workers, local_state=local_state)
    out, tmp = _synth_folder(out)
    try:
        _synthesize_here(envs, tmp, environ, local_state=local_state, toolchain=toolchain)
        return _move_into_place(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _synthesize_here(
    envs: list[Environment],
    tmp: Path,
    environ: MutableMapping[str, str] | None,
    *,
    local_state: bool,
    toolchain: str | None = None,
) -> None:
    """Build and synthesize `envs` in this process into the fresh folder `tmp`."""
    if local_state:
        envs = with_local_state(envs)
    from stacks import toolchain as toolchains
    from stacks.lazy_providers import install

    chosen = toolchains.select(toolchain)
    # Another toolchain than the default is a measurement (toolchains/compare.py): record every
    # argument its providers no longer accept instead of stopping at the first.
    record = toolchains.Incompatibilities() if chosen != toolchains.DEFAULT else None
    toolchains.install(chosen, record)  # before any cdktf/provider import

    install(
        environ if environ is not None else {}, node=environ is not None
    )  # before any cdktf/provider import
    from stacks.app import build_app

    app = build_app(envs, outdir=tmp)
    app.synth()
    if record is not None:
        (tmp / "toolchain.json").write_text(
            json.dumps(
                {
                    "toolchain": chosen.name,
                    "packages": toolchains.package_versions(chosen),
                    "dropped_arguments": record.as_json(),
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )


def _synth_folder(out: Path) -> tuple[Path, Path]:
    """`out` resolved, and a fresh `.synth-<pid>-*` folder beside it to synthesize into (abandoned
    ones from killed runs removed first)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_synths(out.parent)
    return out, Path(tempfile.mkdtemp(prefix=f".synth-{os.getpid()}-", dir=out.parent))


def _move_into_place(tmp: Path, out: Path) -> list[str]:
    """Replace `out` by the finished synth in `tmp` (renames on one filesystem); its stack ids."""
    stacks = sorted(p.name for p in (tmp / "stacks").iterdir()) if (tmp / "stacks").exists() else []
    old = out.with_name(out.name + ".old")
    if out.exists():
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    return stacks


class SynthProcessError(Exception):
    """A per-environment synth process failed; its stderr says why."""

    def __init__(self, env_name: str, stderr: str) -> None:
        super().__init__(env_name)
        self.env_name = env_name
        self.stderr = stderr


# cdktf 0.21's manifest.json around its `"stacks"` members (the parallel synth merges members).
_MANIFEST_HEAD, _MANIFEST_TAIL = '{\n  "stacks": {\n', '\n  },\n  "version": '


def _manifest_entries(manifest: Path) -> dict[str, str]:
    """stack id -> the text of its member of a cdktf manifest.json's `"stacks"`, as cdktf wrote it
    (each member starts on a line of its own, indented four spaces: `    "<id>": {`)."""
    text = manifest.read_text(encoding="utf-8")
    if not text.startswith(_MANIFEST_HEAD) or _MANIFEST_TAIL not in text:
        raise RuntimeError(f"{manifest}: not the manifest layout of cdktf 0.21 (cannot merge)")
    body = text[len(_MANIFEST_HEAD) : text.index(_MANIFEST_TAIL)]
    starts = [m.start() for m in re.finditer(r'^    "([^"]+)": \{$', body, re.M)]
    members = [body[a:b].rstrip().rstrip(",") for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]
    return {m.split('"', 2)[1]: m for m in members}


def _groups(sizes: dict[str, int], workers: int) -> list[list[str]]:
    """Environments in `workers` processes of about equal work (largest first onto the lightest
    process); a process costs a fixed start (node, providers) worth about two clusters."""
    loads = [2] * workers
    groups: list[list[str]] = [[] for _ in range(workers)]
    for name in sorted(sizes, key=lambda n: (-sizes[n], n)):
        i = loads.index(min(loads))
        groups[i].append(name)
        loads[i] += sizes[name]
    return [sorted(g) for g in groups if g]


def _synthesize_in_parallel(
    envs: list[Environment], out: Path, environ: MutableMapping[str, str], *, workers: int, local_state: bool
) -> list[str]:
    """The environments shared out by size into `workers` groups (_groups): the first (largest)
    group synthesized in this process, each other one by a process `python -m stacks synth --env
    <names> --jobs 1` started before; the outputs are merged into one cdktf.out exactly as one
    process writes it (stack folders, and manifest.json's stacks in id order).

    The environments of one app never reference each other (every cross-stack reference stays
    inside its environment), so each synthesizes alone; the processes run side by side on a
    machine with several cores. Validation of every file (cross-file checks included) already
    ran, here, so this process starts on its group at once (a process of its own would import
    and validate again first: ~0.3 s). Should this process's group fail, the children are
    stopped at once; whichever fails, nothing is written to `out`."""
    import subprocess

    from stacks import jsii_direct

    out, tmp = _synth_folder(out)
    children: list[tuple[int, subprocess.Popen[bytes], Path]] = []
    try:
        groups = _groups({e.name: len(e.clusters) for e in envs}, workers)
        parts = {i: tmp / "parts" / str(i) for i in range(len(groups))}
        flags = ["--local-state"] if local_state else []
        child_environ = dict(environ)  # copied now: this process's synth sets NODE_OPTIONS in environ
        child_environ[jsii_direct.CHECKED] = "1"  # jsii's node check runs here, not in each child
        for i in range(1, len(groups)):
            cmd = [sys.executable, "-m", "stacks", "synth", "--env", ",".join(groups[i]), "--jobs", "1"]
            log = tmp / f"child-{i}.log"  # a file, not a pipe: nobody reads while this process works
            with log.open("wb") as sink:
                proc = subprocess.Popen(
                    [*cmd, *flags, "--out", str(parts[i])], env=child_environ, stdout=sink, stderr=sink
                )
            children.append((i, proc, log))
        parts[0].mkdir(parents=True)
        here = [e for e in envs if e.name in groups[0]]
        _synthesize_here(here, parts[0], environ, local_state=local_state)
        for i, proc, log in children:
            if proc.wait() != 0:
                raise SynthProcessError(
                    ",".join(groups[i]), log.read_text(encoding="utf-8", errors="replace")
                )
        (tmp / "stacks").mkdir()
        entries: dict[str, str] = {}
        for i in parts:
            for folder in sorted((parts[i] / "stacks").iterdir()):
                folder.rename(tmp / "stacks" / folder.name)
            entries.update(_manifest_entries(parts[i] / "manifest.json"))
        version = json.loads((parts[0] / "manifest.json").read_text(encoding="utf-8"))["version"]
        members = ",\n".join(entries[k] for k in sorted(entries))
        (tmp / "manifest.json").write_text(
            f'{_MANIFEST_HEAD}{members}{_MANIFEST_TAIL}"{version}"\n}}', encoding="utf-8"
        )
        shutil.rmtree(tmp / "parts")
        for _, _, log in children:
            log.unlink()
        return _move_into_place(tmp, out)
    finally:
        for _, proc, _ in children:  # this process failed first: the others' work is not wanted
            if proc.poll() is None:
                proc.terminate()
                proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def cmd_synth(
    selection: str | None,
    out: str,
    environ: MutableMapping[str, str] | None = None,
    local_state: bool = False,
    toolchain: str | None = None,
    jobs: int | None = None,
) -> int:
    from stacks.toolchain import ToolchainError

    try:
        stacks = synthesize(
            selection, Path(out), environ, local_state=local_state, toolchain=toolchain, jobs=jobs
        )
    except SynthProcessError as exc:
        sys.stderr.write(exc.stderr)
        print(f"synth: the {exc.env_name} synth failed (above); nothing written.", file=sys.stderr)
        return 1
    except (ParameterError, ParameterErrors) as exc:
        _print_problems(exc)
        print("synth: nothing written; fix the problems above.", file=sys.stderr)
        return 1
    except ToolchainError as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 2
    except BuildError as exc:
        print(exc.problem.render(_display(ENV_DIR / f"{exc.env_name}.yaml")), file=sys.stderr)
        print("synth: nothing written; fix the problem above.", file=sys.stderr)
        return 1
    except Exception as exc:  # the last net: a message, never a traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"synth: {type(exc).__name__}: {first}; nothing written.", file=sys.stderr)
        return 1
    print(f"synthesized {len(stacks)} stacks into {out}/stacks" + (f" with {toolchain}" if toolchain else ""))
    return 0


def cmd_schema(check: bool) -> int:
    from stacks.params import Environment

    text = json.dumps(Environment.model_json_schema(), indent=2, sort_keys=True) + "\n"
    if check:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        if current != text:
            print(f"{SCHEMA_FILE} is out of date: run `make schema`.", file=sys.stderr)
            return 1
        return 0
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


def cmd_backend(selection: str) -> int:
    from stacks.state_backend import backend_block

    try:
        envs = load_environments(selection)
    except (ParameterError, ParameterErrors) as exc:
        _print_problems(exc)
        return 1
    for env in envs:
        print(f"# {env.name}: every stack of the environment, <stack id> = its id (cdktf.out/stacks/)")
        print(backend_block(env))
    return 0


def main(argv: list[str] | None = None, environ: MutableMapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stacks", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("validate", help="validate environment files")
    v.add_argument("files", nargs="*")
    s = sub.add_parser("synth", help="synthesize environments")
    s.add_argument("--env", default=None, help="comma-separated environments (default: all)")
    s.add_argument("--out", default="cdktf.out")
    s.add_argument("--toolchain", default=None, help="cdktf (default) or cdktn; default: $TOOLCHAIN")
    s.add_argument(
        "--local-state", action="store_true", help="local state for every stack, whatever backend: says"
    )
    s.add_argument(
        "--jobs", type=int, default=None, help="processes for several environments (default: one per CPU)"
    )
    bk = sub.add_parser("backend", help="print an environment's backend block")
    bk.add_argument("--env", required=True)
    sc = sub.add_parser("schema", help="write environments/schema.json")
    sc.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.cmd == "validate":
        return cmd_validate(args.files)
    if args.cmd == "synth":
        toolchain = args.toolchain or (environ or {}).get("TOOLCHAIN") or None
        return cmd_synth(args.env, args.out, environ, args.local_state, toolchain, args.jobs)
    if args.cmd == "backend":
        return cmd_backend(args.env)
    return cmd_schema(args.check)


if __name__ == "__main__":
    from stacks.fast_exit import exit_now, private_tempdir

    private_tempdir(os.environ)
    exit_now(main(environ=os.environ))
