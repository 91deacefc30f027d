"""Benchmark the batch renderer on the whole course at low quality.

Four runs of `gdanim render` in fresh output folders, timed end to end (process start to
exit): cold serial, cold --jobs 2, warm (everything cached) and one parameter changed; then
ratios against the cold serial run, the per-scene render cost (seconds of render per second
of video), and each GIF's size and PSNR against the MP4 it came from.

Usage: python scripts/bench_render.py [--quality low] [--scenes A B ...]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gdanim.render import ffmpeg_exe


def gdanim(out: Path, *args: str) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "gdanim", "render", "--out", str(out), *args],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"gdanim render failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def gif_psnr(gif: Path, mp4: Path) -> float:
    """Mean PSNR of the GIF's frames against the MP4 resampled to the GIF's size and rate."""
    probe = subprocess.run([ffmpeg_exe(), "-i", str(gif)], capture_output=True, text=True).stderr
    w, h = map(int, re.search(r"Video: gif.*?(\d+)x(\d+)", probe).groups())
    fps = re.search(r"([\d.]+) fps", probe).group(1)
    graph = f"[1:v]fps={fps},scale={w}:{h}:flags=lanczos,format=rgb24[ref];[0:v]format=rgb24[g];[g][ref]psnr"
    out = subprocess.run([ffmpeg_exe(), "-i", str(gif), "-i", str(mp4), "-lavfi", graph, "-f", "null", "-"],
                         capture_output=True, text=True).stderr
    return float(re.search(r"average:([\d.]+|inf)", out).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", default="low")
    parser.add_argument("--scenes", nargs="*", default=[])
    parser.add_argument("--change", default="GradientDescent3D.lr=0.08",
                        help="the one-parameter change for the fourth run")
    parser.add_argument("--keep", type=Path, help="copy the serial run's outputs here, to look at")
    args = parser.parse_args()
    common = [*args.scenes, "--quality", args.quality, "--format", "both"]

    with tempfile.TemporaryDirectory(prefix="gdanim-bench-") as tmp:
        serial_out, parallel_out = Path(tmp) / "serial", Path(tmp) / "parallel"
        cold_serial = gdanim(serial_out, *common, "--jobs", "1")
        cold_parallel = gdanim(parallel_out, *common, "--jobs", "2")
        warm = gdanim(serial_out, *common)
        changed = gdanim(serial_out, *common, "--set", args.change)

        print(f"course at {args.quality} quality, mp4 + gif, 2 cores")
        print(f"{'run':<24}{'seconds':>10}{'vs cold serial':>16}")
        for name, seconds in [("cold serial", cold_serial), ("cold --jobs 2", cold_parallel),
                              ("warm (all cached)", warm), (f"one change ({args.change})", changed)]:
            print(f"{name:<24}{seconds:>10.1f}{cold_serial / seconds:>15.1f}x")

        manifest = json.loads((serial_out / "manifest.json").read_text())["outputs"]
        print(f"\n{'scene':<24}{'video s':>9}{'render s':>10}{'render/video':>14}{'gif MB':>9}{'gif PSNR dB':>13}")
        for entry in manifest.values():
            gif, mp4 = Path(entry["files"]["gif"]), Path(entry["files"]["mp4"])
            ratio = entry["render_seconds"] / entry["duration"]
            print(f"{entry['scene']:<24}{entry['duration']:>9.1f}{entry['render_seconds']:>10.1f}{ratio:>14.2f}"
                  f"{entry['size']['gif'] / 1e6:>9.2f}{gif_psnr(gif, mp4):>13.1f}")
        if args.keep:
            shutil.copytree(serial_out, args.keep, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".cache", ".work"))


if __name__ == "__main__":
    main()
