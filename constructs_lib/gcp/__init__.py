"""Constructs for gcp."""
