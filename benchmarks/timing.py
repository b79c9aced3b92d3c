"""The one timing rule the benchmarks share."""

import time


def best_time(func, repeats):
    """Best wall-clock time of ``func()`` in seconds, after one warm-up call."""
    func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)
