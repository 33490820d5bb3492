"""Prompt presets: structured fields in, one prompt string out."""
