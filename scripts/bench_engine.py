"""Benchmark simulate(): 10,000 runs x 1,000 Adam steps on Rosenbrock, against a per-run loop.

The baseline is the straightforward way to write it - one run at a time, a Python loop over
steps on 2-vectors - timed on a slice of the runs in the same process and scaled to all of
them (running it on all 10,000 would take minutes). Usage: python scripts/bench_engine.py
"""

import argparse
import time

import numpy as np

from gdanim.engine import simulate
from gdanim.landscapes import get_landscape


def per_run_loop(land, starts, steps, lr, b1=0.9, b2=0.999, eps=1e-8):
    """Textbook Adam, one run at a time (the baseline)."""
    ends = []
    for start in starts:
        p = np.array(start, dtype=float)
        m = np.zeros(2)
        v = np.zeros(2)
        for t in range(1, steps + 1):
            g = land.gradient(p)
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            p = p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
            land.value(p)
        ends.append(p)
    return np.array(ends)


def best_of(repeats, fn):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=1_000)
    parser.add_argument("--baseline-runs", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    land = get_landscape("rosenbrock")
    (x0, x1), (y0, y1) = land.domain
    rng = np.random.default_rng(0)
    starts = np.column_stack([rng.uniform(x0, x1, args.runs), rng.uniform(y0, y1, args.runs)])

    t_vec, traj = best_of(args.repeats, lambda: simulate(land, "adam", starts, args.steps,
                                                          lr=0.01, tol_grad=0))
    k = args.baseline_runs
    t_loop_k, ends = best_of(1, lambda: per_run_loop(land, starts[:k], args.steps, lr=0.01))
    # Same answers: a few runs that orbit the minimum amplify last-bit rounding over 1000 steps.
    agree = np.isclose(traj.positions[:k, -1], ends, rtol=1e-9, atol=1e-12).all(axis=1).mean()
    assert agree > 0.9, f"only {agree:.0%} of runs agree with the baseline"
    t_loop = t_loop_k * args.runs / k

    print(f"{args.runs} runs x {args.steps} Adam steps on rosenbrock")
    print(f"  simulate (vectorised)    {t_vec:8.3f} s   (best of {args.repeats})")
    print(f"  per-run Python loop      {t_loop:8.1f} s   ({k} runs timed: {t_loop_k:.2f} s, scaled)")
    print(f"  speed-up                 {t_loop / t_vec:8.0f} x")
    print(f"  runs agreeing with loop  {agree:8.0%}    (to 1e-9; the rest orbit the minimum)")
    print(f"  steps per second         {args.runs * args.steps / t_vec:8.3g}")


if __name__ == "__main__":
    main()
