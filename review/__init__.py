"""Offline review of a change to the synthesized plan: one Markdown page for a pull request.

``python -m review --base-out DIR --head-out DIR`` compares two cdktf output directories
(``DIR/stacks/<stack-id>/cdk.tf.json``); ``python -m review --base REF`` synthesizes a git ref in
a temporary worktree and compares it with the working tree. Pure Python (stdlib only): the
synthesized JSON is the interface, no provider bindings are imported.

Modules: :mod:`review.plan` reads an output directory, :mod:`review.diff` compares blocks and
attributes, :mod:`review.replacement` knows which attributes force a replacement,
:mod:`review.risk` builds the "Needs attention" list, :mod:`review.render` writes Markdown,
:mod:`review.synth` runs the synthesis, :mod:`review.cli` ties them together.
"""
