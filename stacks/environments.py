"""Where the environment files live and how a selection of them is loaded."""

from __future__ import annotations

from pathlib import Path

from stacks.params import Environment
from stacks.validation import ParameterError, Problem, load_environment

ENV_DIR = Path(__file__).resolve().parent.parent / "environments"
ORDER = ("dev", "staging", "prod")


def environment_files(env_dir: Path = ENV_DIR) -> list[Path]:
    files = sorted(
        env_dir.glob("*.yaml"), key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else 99, p.stem)
    )
    return files


def load_environments(selection: str | None = None, env_dir: Path = ENV_DIR) -> list[Environment]:
    """Load the named environments (comma-separated; None = all). Raise on any bad file.

    Every file is validated before anything is built, so a bad file stops the run before any
    output is written.
    """
    files = environment_files(env_dir)
    if selection:
        wanted = [s.strip() for s in selection.split(",") if s.strip()]
        known = {p.stem: p for p in files}
        unknown = [w for w in wanted if w not in known]
        if unknown:
            raise ParameterError(
                f"ENV={selection}",
                [_unknown(u, sorted(known)) for u in unknown],
            )
        files = [known[w] for w in wanted]
    envs, errors, loaded = [], [], []
    for path in files:
        try:
            envs.append(load_environment(path))
            loaded.append((path, envs[-1]))
        except ParameterError as exc:
            errors.append(exc)
    if not errors and len(loaded) > 1:
        from stacks.cross_file import cross_file

        errors, _warnings = cross_file(loaded)
    if errors:
        raise ParameterErrors(errors)
    return envs


def _unknown(name: str, known: list[str]) -> Problem:
    return Problem("ENV", f"'{name}' has no file environments/{name}.yaml; use one of: {', '.join(known)}.")


class ParameterErrors(Exception):
    def __init__(self, errors: list[ParameterError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
