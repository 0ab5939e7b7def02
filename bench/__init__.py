"""The benchmark of issue 7 (`make bench`, `make soak`): a dataset, gunicorn, wrk, and BENCHMARKS.md."""
