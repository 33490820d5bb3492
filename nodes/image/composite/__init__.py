"""Combining two images: blend modes and masked pasting."""
