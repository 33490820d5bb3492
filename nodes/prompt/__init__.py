"""Prompt-text building for provider nodes."""
