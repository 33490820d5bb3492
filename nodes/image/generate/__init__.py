"""Images made from parameters alone: solid colours, gradients, noise."""
