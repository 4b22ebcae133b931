"""Performance data: a review's benchmarks against the common dataset, and importing figures."""
