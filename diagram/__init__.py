"""The platform's topology drawn from the synthesized plan, as Mermaid (GitHub renders it).

``python -m diagram`` (``make diagram``) writes ``docs/diagrams/<env>.md`` per synthesized
environment and the prod picture into the README; the review adds each changed environment's
picture with the changes highlighted (:mod:`diagram.review_section`). Modules:
:mod:`diagram.topology` reads the plan, :mod:`diagram.mermaid` draws, :mod:`diagram.compare`
marks what a change adds, removes, changes or replaces. Pure Python (stdlib + :mod:`review.plan`).
"""
