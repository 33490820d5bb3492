"""Inspection helpers that work on any value."""
