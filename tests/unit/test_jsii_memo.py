"""stacks.jsii_memo: a provider resource's attribute read again costs no kernel round trip.

The facts come from a real jsii kernel (tests/unit/jsii_memo_probe.py, in the background): the
same scenario with the memo (stacks.lazy_providers installed) and without it (plain). The whole
plan synthesized with the memo is held byte for byte by tests/snapshots.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.background import probe_facts, probe_jobs

PROBE = Path(__file__).with_name("jsii_memo_probe.py")


probe_jobs(PROBE, {f"jsii_memo_probe_{mode}": ([mode], {}) for mode in ("memo", "off", "plain")}, __file__)


def _facts(background_jobs, mode: str) -> dict:
    return probe_facts(background_jobs, f"jsii_memo_probe_{mode}")[0]


@pytest.fixture(scope="module")
def memo(background_jobs) -> dict:
    return _facts(background_jobs, "memo")


@pytest.fixture(scope="module")
def plain(background_jobs) -> dict:
    return _facts(background_jobs, "plain")


def test_an_attribute_read_three_times_asks_the_kernel_once(memo, plain):
    assert memo["result_gets"] == ["result"] and memo["same_token"] is True
    assert plain["result_gets"] == ["result", "result", "result"] and plain["same_token"] is False


@pytest.fixture(scope="module")
def off(background_jobs) -> dict:
    return _facts(background_jobs, "off")


def test_the_switch_turns_the_memo_off(off):
    assert off["result_gets"] == ["result", "result", "result"] and off["same_token"] is False


def test_a_changed_list_read_does_not_change_the_next_read(memo, plain):
    """A list attribute changed after one read (here emptied): the next read is the whole
    reference again, as without the memo (a shared list once gave `[]` in the plan, silently)."""
    assert memo["outputs"]["shuffled"] == "${random_shuffle.sh.result}"
    assert plain["outputs"]["shuffled"] == "${random_shuffle.sh.result}"


def test_configured_values_and_cdktf_state_are_always_asked(memo):
    assert memo["length_input"] == [16, 20]
    assert memo["count"] == [None, 2] and memo["count_gets"] == ["count", "count"]


def test_a_set_forgets_what_was_known_of_the_object(memo):
    assert memo["asked_after_set"] is True


def test_remembered_and_fresh_tokens_resolve_to_the_same_reference(memo, plain):
    for facts in (memo, plain):
        assert facts["outputs"]["first"] == facts["outputs"]["after_set"] == "${random_password.p.result}"
