"""Benchmarks: run explicitly and serially (see each module); never collected by default."""
