"""Review tests run on the REAL synthesized plan (tests/conftest.py `synth_dir`, once per session).

Each test changes a copy of the parsed stacks the way a careless pull request would, and reviews
the copy against the untouched plan. No invented stacks: a rule that drifts from what the stacks
really emit fails here.

The copy is made per stack on first access (`head_docs` is a `CopyOnRead`): a test touches a few
of the 109 stacks, and deep-copying, re-planning and re-diffing all of them cost ~0.3 s a test.
Stacks the test never read are still reviewed: their diff against the base (the same files, so
`unchanged`) is computed once per session by the same `diff_plans` and joined with the fresh diff
of the touched stacks before the rules (`attention`) run over every stack.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, MutableMapping
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


class CopyOnRead(MutableMapping[str, dict[str, Any]]):
    """stack id -> parsed stack, deep-copied from `base` when first read (so it can be changed);
    `touched` names every stack read, set or deleted, i.e. every stack that may differ."""

    def __init__(self, base: Docs) -> None:
        self._base = base
        self._docs: Docs = {}
        self._deleted: set[str] = set()
        self.touched: set[str] = set()

    def __getitem__(self, sid: str) -> dict[str, Any]:
        if sid in self._deleted or (sid not in self._docs and sid not in self._base):
            raise KeyError(sid)
        self.touched.add(sid)
        if sid not in self._docs:
            self._docs[sid] = copy.deepcopy(self._base[sid])
        return self._docs[sid]

    def __setitem__(self, sid: str, doc: dict[str, Any]) -> None:
        self.touched.add(sid)
        self._deleted.discard(sid)
        self._docs[sid] = doc

    def __delitem__(self, sid: str) -> None:
        if sid not in self:
            raise KeyError(sid)
        self.touched.add(sid)
        self._docs.pop(sid, None)
        self._deleted.add(sid)

    def __contains__(self, sid: object) -> bool:
        return sid not in self._deleted and (sid in self._docs or sid in self._base)

    def __iter__(self) -> Iterator[str]:
        seen = [sid for sid in self._base if sid not in self._deleted]
        return iter(seen + [sid for sid in self._docs if sid not in self._base and sid not in self._deleted])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def current(self) -> Docs:
        """Every stack as it is now, without copying the untouched ones (read only)."""
        return {sid: self._docs[sid] if sid in self._docs else self._base[sid] for sid in self}


@pytest.fixture
def head_docs(real_docs) -> CopyOnRead:
    """The synthesized stacks, each deep-copied on first access, to mutate."""
    return CopyOnRead(real_docs)


@pytest.fixture(scope="session")
def unchanged_diffs(base_plans, real_docs) -> dict[str, StackDiff]:
    """stack id -> the diff of the untouched real stack against the base (computed once)."""
    return {d.stack_id: d for d in diff_plans(base_plans, to_plans(real_docs))}


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
def review_of(base_plans, unchanged_diffs) -> Callable[..., Review]:
    def run(head: Docs | CopyOnRead, base: dict[str, StackPlan] | None = None) -> Review:
        if base is not None or not isinstance(head, CopyOnRead):
            docs = head.current() if isinstance(head, CopyOnRead) else head
            stacks = diff_plans(base or base_plans, to_plans(docs))
            return Review(stacks, attention(stacks))
        # diff_plans diffs each stack id on its own: the touched ones are diffed now, the others
        # keep the session's diff of the very same documents.
        touched = head.touched
        fresh = diff_plans(
            {sid: plan for sid, plan in base_plans.items() if sid in touched},
            to_plans({sid: head[sid] for sid in touched if sid in head}),
        )
        kept = [d for sid, d in unchanged_diffs.items() if sid not in touched]
        stacks = tuple(sorted([*fresh, *kept], key=lambda d: d.stack_id))
        return Review(stacks, attention(stacks))

    return run


def res(docs: Docs, stack: str, rtype: str, name: str | None = None) -> dict[str, Any]:
    """One resource of a synthesized stack (the first of its type when name is None)."""
    of_type = docs[stack]["resource"][rtype]
    return of_type[name] if name else of_type[next(iter(of_type))]


def write_out(root: Path, docs: Docs | CopyOnRead) -> Path:
    for sid, doc in (docs.current() if isinstance(docs, CopyOnRead) else docs).items():
        (root / "stacks" / sid).mkdir(parents=True, exist_ok=True)
        (root / "stacks" / sid / "cdk.tf.json").write_text(json.dumps(doc), encoding="utf-8")
    return root
