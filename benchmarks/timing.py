"""The timing rules the benchmarks share."""

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


def python_loop_seconds():
    """Seconds a pure-Python loop of 10**7 additions takes here: the machine's speed, printed beside figures."""
    start, total = time.perf_counter(), 0
    for i in range(10**7):
        total += i
    return time.perf_counter() - start


def machine_line():
    """One line to print before absolute times, so that runs on other machines can be compared."""
    return f"this machine: a pure-Python loop of 10**7 additions takes {python_loop_seconds():.2f} s"
