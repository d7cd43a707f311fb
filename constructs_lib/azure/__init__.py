"""Constructs for azure."""
