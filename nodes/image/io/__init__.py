"""Loading images from the input folder and saving them to the output and temp folders."""
