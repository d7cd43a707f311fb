"""The session's policy-gate runs (one checkov process): see tests/policies/gate_runs.py."""

from tests.policies.gate_runs import policy_runs  # noqa: F401  (the fixture)
