"""Drawing on images: text."""
