"""Review tests run on the REAL synthesized plan (tests/conftest.py `synth_dir`, once per session).

Each test deep-copies the parsed stacks, changes them the way a careless pull request would, and
reviews the copy against the untouched plan. No invented stacks: a rule that drifts from what the
stacks really emit fails here.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from review.diff import StackDiff, diff_plans
from review.plan import StackPlan, blocks_of, load_output_dir
from review.risk import Attention, attention

Docs = dict[str, dict[str, Any]]


def to_plans(docs: Docs) -> dict[str, StackPlan]:
    out = {}
    for sid, doc in docs.items():
        blocks, moved = blocks_of(doc)
        out[sid] = StackPlan(sid, blocks, moved)
    return out


@pytest.fixture(scope="session")
def real_docs(synthesized) -> Docs:
    return synthesized


@pytest.fixture(scope="session")
def base_plans(synth_dir) -> dict[str, StackPlan]:
    return load_output_dir(synth_dir)


@pytest.fixture
def head_docs(real_docs) -> Docs:
    """A deep copy of every synthesized stack, to mutate."""
    return copy.deepcopy(real_docs)


class Review:
    def __init__(self, stacks: tuple[StackDiff, ...], items: list[Attention]) -> None:
        self.stacks = stacks
        self.items = items

    def of(self, category: str | None = None, rule: str | None = None) -> list[Attention]:
        return [
            i
            for i in self.items
            if (category is None or i.category == category) and (rule is None or rule in i.rule_name)
        ]

    def stack(self, sid: str) -> StackDiff:
        return next(s for s in self.stacks if s.stack_id == sid)


@pytest.fixture
def review_of(base_plans) -> Callable[[Docs], Review]:
    def run(head: Docs, base: dict[str, StackPlan] | None = None) -> Review:
        stacks = diff_plans(base or base_plans, to_plans(head))
        return Review(stacks, attention(stacks))

    return run


def res(docs: Docs, stack: str, rtype: str, name: str | None = None) -> dict[str, Any]:
    """One resource of a synthesized stack (the first of its type when name is None)."""
    of_type = docs[stack]["resource"][rtype]
    return of_type[name] if name else of_type[next(iter(of_type))]


def write_out(root: Path, docs: Docs) -> Path:
    for sid, doc in docs.items():
        (root / "stacks" / sid).mkdir(parents=True, exist_ok=True)
        (root / "stacks" / sid / "cdk.tf.json").write_text(json.dumps(doc), encoding="utf-8")
    return root
