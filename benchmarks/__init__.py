"""Speed and memory of tinygrad_sym against hand-written numpy and peer libraries.

Run with `python -m benchmarks` (or `make bench`); see benchmarks/README.md. This module
imports nothing, so that `__main__` can set the thread counts before numpy loads.
"""
