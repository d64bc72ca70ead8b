#!/usr/bin/python3
"""The reference point of issue 5: a straightforward numpy implementation of pdoom's Sobol estimators on
the Ishigami function (a = 7, b = 0.1), N = 2^20 base samples, 5.2 million evaluations.

Same design and estimators as pdoom::sobol_analysis: scrambled Sobol points (scipy's Owen scramble) of
6 dimensions, A = the first 3 columns, B = the last 3, f(A), f(B), f(A_B^i); outputs centred on the mean
of f(A) and f(B); first order by Saltelli 2010, total by Jansen 1999. Bootstrap: 100 resamples of the
N rows (the textbook version; pdoom resamples batches of rows, see docs/performance.md).

Run with Debian's python3-numpy and python3-scipy (not part of the build):
    /usr/bin/python3 bench/numpy_ishigami.py [--bootstrap] [--repeat R]
Prints the minimum wall and process CPU time over R repetitions and the indices (to check the two agree).
"""
import argparse
import time

import numpy as np
from scipy.stats import qmc

A_COEFFICIENT = 7.0
B_COEFFICIENT = 0.1
N = 1 << 20


def ishigami(x):
    return (np.sin(x[:, 0]) + A_COEFFICIENT * np.sin(x[:, 1]) ** 2
            + B_COEFFICIENT * x[:, 2] ** 4 * np.sin(x[:, 0]))


def indices(fa, fb, fab):
    centre = 0.5 * (fa.mean() + fb.mean())
    fa = fa - centre
    fb = fb - centre
    variance = np.concatenate([fa, fb]).var(ddof=1)
    first = [np.mean(fb * (f - centre - fa)) / variance for f in fab]
    total = [0.5 * np.mean((fa - (f - centre)) ** 2) / variance for f in fab]
    return np.array(first), np.array(total)


def analysis(seed, bootstrap):
    u = qmc.Sobol(d=6, scramble=True, seed=seed).random_base2(m=20)
    x = -np.pi + 2 * np.pi * u
    a, b = x[:, :3], x[:, 3:]
    fa, fb = ishigami(a), ishigami(b)
    fab = []
    for i in range(3):
        ab = a.copy()
        ab[:, i] = b[:, i]
        fab.append(ishigami(ab))
    first, total = indices(fa, fb, fab)
    if bootstrap:
        rng = np.random.default_rng(seed)
        for _ in range(100):
            rows = rng.integers(0, N, N)
            indices(fa[rows], fb[rows], [f[rows] for f in fab])
    return first, total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", action="store_true", help="add 100 bootstrap resamples of the rows")
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    best_wall = best_cpu = float("inf")
    for r in range(arguments.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        first, total = analysis(r + 1, arguments.bootstrap)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(f"numpy Ishigami N=2^20 bootstrap={'100' if arguments.bootstrap else '0'}: "
          f"min wall {best_wall * 1000:.1f} ms, min process CPU {best_cpu * 1000:.1f} ms over {arguments.repeat}; "
          f"S1 {np.round(first, 4)} ST {np.round(total, 4)}")


if __name__ == "__main__":
    main()
