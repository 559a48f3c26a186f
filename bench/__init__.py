"""Benchmarks (not timed tests): the corpus generator and the benchmark runner."""
