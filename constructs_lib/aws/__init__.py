"""Constructs for aws."""
