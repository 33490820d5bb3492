"""Comparisons and branching, including the lazy Switch."""
