"""The corpus of defective parameter files (tests/corpus/bad/, one defect class per file).

Every file is an edit of a shipped environment file (tests/corpus/generate.py lists the edits).
`python -m stacks validate` must reject each one, print only `FILE[:line]: key.path: message`
lines, name the defect the case planted (its `expect` text), give a fix in every message, echo no
planted secret and never show a traceback.

All of it is read from ONE run of `python -m stacks validate` over the whole corpus (a background
job, tests/background.py): validation parses each file on its own (stacks/validation.py
`load_environment`), so a file's lines are the same as when it is validated alone, and the run
exits 1 with no `FILE: ok` line for any file. Parsing every file twice (once per case in this
process, once more for the whole-corpus run) cost ~14 s of CPU.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict

import pytest

from stacks.__main__ import main
from tests.background import Context, background
from tests.corpus.generate import CASES, OUT, ROOT, files

# A message gives a fix when it tells the reader what to do: these verbs (or "must ...").
FIX = re.compile(
    r"\b(use|set|remove|add|pick|rename|fix|lower|raise|keep|change|move|attach|name|give|say|check|"
    r"write|delete|list|narrow|shorten|save|bind|leave|start|update|bind|must)\b",
    re.IGNORECASE,
)
LINE = re.compile(
    r"^(?P<file>tests/corpus/bad/[^:]+\.yaml)(:(?P<line>[0-9]+))?: (?P<path>[^:]+?): (?P<msg>.+)$"
)
PLANTED_SECRETS = (
    "AKIAIOSFODNN7EXAMPLE",
    "hunter22",
    "Sup3rSecret",
    "MIIEow",
    "a1B2c3D4e5F6g7H8i9J0",
    "CAESIJ1aBcDeFgHiJkLmNoPqRsTuVwXyZ0123",
    "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
)


def test_corpus_has_at_least_100_cases_and_files_are_current():
    assert len(CASES) >= 100
    wanted = files()
    stale = [str(p.relative_to(ROOT)) for p, b in wanted.items() if not p.exists() or p.read_bytes() != b]
    assert not stale, "run .venv/bin/python tests/corpus/generate.py: stale " + ", ".join(stale[:5])
    assert sorted(OUT.glob("*/*.yaml")) == sorted(wanted)


@background("corpus_validate")
def _corpus_validate_job(ctx: Context) -> dict:
    paths = [str(p.relative_to(ROOT)) for p in sorted(OUT.glob("*/*.yaml"))]
    argv = [sys.executable, "-m", "stacks", "validate", *paths]
    return {"argv": argv, "cwd": ROOT, "timeout": 300, "paths": paths}


@pytest.fixture(scope="module")
def corpus_run(background_jobs) -> dict:
    """The one validate run: its process, the paths it was given, the stderr lines per file."""
    job = background_jobs("corpus_validate")
    lines: dict[str, list[str]] = defaultdict(list)
    for line in job["proc"].stderr.splitlines():
        if line.strip():
            lines[line.split(":", 1)[0]].append(line)
    return {"proc": job["proc"], "paths": job["paths"], "lines": lines}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_corpus_file_rejected_with_file_key_and_fix(case, corpus_run):
    path = str((OUT / case.id / f"{case.env}.yaml").relative_to(ROOT))
    assert path in corpus_run["paths"], f"{path} was not validated: run tests/corpus/generate.py"
    lines = corpus_run["lines"].get(path, [])
    assert lines, f"{path} was not rejected"
    assert f"{path}: ok (" not in corpus_run["proc"].stdout
    assert any(case.expect in line for line in lines), "\n".join(lines)
    for line in lines:
        m = LINE.match(line)
        assert m, f"not `FILE: key.path: message`: {line}"
        assert m.group("file") == path
        assert FIX.search(m.group("msg")), f"no fix in: {line}"
        assert not any(s in line for s in PLANTED_SECRETS), f"secret echoed: {line}"


def test_whole_corpus_in_one_process_run_never_tracebacks(corpus_run):
    run = corpus_run["proc"]
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "ok (" not in run.stdout
    # every line names one of the files it was given: nothing else is printed
    assert set(corpus_run["lines"]) == set(corpus_run["paths"])


def test_non_utf8_and_duplicate_keys_carry_the_line(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    main(
        [
            "validate",
            "tests/corpus/bad/non-utf8-latin1/prod.yaml",
            "tests/corpus/bad/dup-key-region/prod.yaml",
        ]
    )
    err = capsys.readouterr().err
    # line numbers of the shipped prod.yaml, counted by hand: aws-us-west-2's role is on line 21,
    # aws-us-east-1 on line 15
    assert "tests/corpus/bad/non-utf8-latin1/prod.yaml:21: (file): is not UTF-8" in err
    assert (
        "tests/corpus/bad/dup-key-region/prod.yaml:15: clusters[0 aws-us-east-1].region: duplicate key" in err
    )


def test_shipped_files_pass_the_cross_file_checks():
    run = subprocess.run(
        [sys.executable, "-m", "stacks", "validate"], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr
