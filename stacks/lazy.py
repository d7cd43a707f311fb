"""Placeholder: replaced by the lazy provider import hook (issue 9)."""
