"""The review tests' fixtures on the real synthesized plan (one synth per session)."""

from tests.review.conftest import base_plans, real_docs  # noqa: F401
