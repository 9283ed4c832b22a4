"""`make bench` is not part of the suite (it takes minutes), but its code must keep up with the models: importing it
catches a moved model or a renamed selector before someone runs the benchmark."""

import importlib

import pytest


@pytest.mark.parametrize("module", ["bench.seed", "bench.run", "bench.urls", "bench.pages_ab"])
def test_the_benchmark_imports(module):
    importlib.import_module(module)
