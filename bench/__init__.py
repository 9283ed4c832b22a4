"""`make bench`: a programme-scale dataset, page timings in-process, the award report, and a load test."""
