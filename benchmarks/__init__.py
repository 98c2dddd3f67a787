"""genui's benchmarks: ``python -m benchmarks`` (or ``make bench``).

* :mod:`benchmarks.corpus` — the fixed, seeded corpus (10 to 20,000 nodes);
* :mod:`benchmarks.baselines` — the floor and the obvious alternative;
* :mod:`benchmarks.render` — issue 8: genui against both, per-node cost, memory;
* :mod:`benchmarks.stream` — issue 5: streaming cost against one full render.

See ``docs/performance.md`` for results and how to read them.
"""
