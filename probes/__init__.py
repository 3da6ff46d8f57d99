"""Probes measure: TensorFlow/Keras in, numbers out. No asserts, no pytest, no file I/O, no global
random state: every random draw takes an explicit seed."""
