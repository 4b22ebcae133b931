"""Benchmarks: build a large, realistic review and time the pages people use most."""
