"""Integer and float arithmetic."""
