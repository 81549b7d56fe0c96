"""Benchmarks, one command each (python -m bench.<name>), each beside a baseline from the same run."""
