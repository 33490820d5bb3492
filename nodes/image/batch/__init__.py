"""Batches of frames: joining them and laying them out as a grid."""
