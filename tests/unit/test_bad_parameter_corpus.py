"""The corpus of defective parameter files (tests/corpus/bad/, one defect class per file).

Every file is an edit of a shipped environment file (tests/corpus/generate.py lists the edits).
`python -m stacks validate FILE` must reject each one with exit code 1, print only
`FILE[:line]: key.path: message` lines, name the defect the case planted (its `expect` text),
give a fix in every message, echo no planted secret and never show a traceback.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from stacks.__main__ import main
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


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_corpus_file_rejected_with_file_key_and_fix(case, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = (OUT / case.id / f"{case.env}.yaml").relative_to(ROOT)
    rc = main(["validate", str(path)])
    out = capsys.readouterr()
    lines = [line for line in out.err.splitlines() if line.strip()]
    assert rc == 1, out.out
    assert lines and "ok (" not in out.out
    assert any(case.expect in line for line in lines), "\n".join(lines)
    for line in lines:
        m = LINE.match(line)
        assert m, f"not `FILE: key.path: message`: {line}"
        assert m.group("file") == str(path)
        assert FIX.search(m.group("msg")), f"no fix in: {line}"
        assert not any(s in line for s in PLANTED_SECRETS), f"secret echoed: {line}"
    assert "Traceback" not in out.err


def test_whole_corpus_in_one_process_run_never_tracebacks():
    paths = [str(p.relative_to(ROOT)) for p in sorted(OUT.glob("*/*.yaml"))]
    run = subprocess.run(
        [sys.executable, "-m", "stacks", "validate", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "ok (" not in run.stdout
    rejected = {line.split(":", 1)[0] for line in run.stderr.splitlines()}
    assert set(paths) <= rejected


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
