"""Constant values of the scalar widget types."""
