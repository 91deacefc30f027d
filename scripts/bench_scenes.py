"""Seconds of render per second of video, for each scene at low quality (manim -ql).

Each scene is rendered once, serially, in this process's worker (same path as the CLI), with
nothing cached. A ratio below 1 renders faster than real time.

Usage: python scripts/bench_scenes.py [--quality low] [SCENE ...]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from gdanim.batch import plan_jobs, run_batch
from gdanim.catalog import discover_scenes
from gdanim.render import OutputSettings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenes", nargs="*")
    parser.add_argument("--quality", default="low")
    args = parser.parse_args()
    scenes = discover_scenes()
    with tempfile.TemporaryDirectory(prefix="gdanim-bench-scenes-") as tmp:
        settings = OutputSettings(quality=args.quality, formats=("mp4",), out_dir=Path(tmp))
        jobs = plan_jobs(args.scenes or list(scenes), settings, config_path=None, overrides=[], scenes=scenes)
        results = run_batch(jobs, jobs_in_parallel=1, force=True, show_progress=False)
    print(f"{'scene':<26}{'video s':>9}{'render s':>10}{'render/video':>14}")
    for r in results:
        if r.status == "failed":
            print(f"{r.job.scene:<26}  failed: {r.error}")
            continue
        print(f"{r.job.scene:<26}{r.duration:>9.1f}{r.seconds:>10.1f}{r.seconds / r.duration:>14.2f}")


if __name__ == "__main__":
    main()
