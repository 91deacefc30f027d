"""Benchmark `gdanim render`: the course's cache and parallelism, a matplotlib peer, lecture qualities.

Sections (each run of `gdanim render` in fresh output folders, timed end to end, process start
to exit):
  course (default, when no other section is chosen): the course at --quality, cold serial,
    cold --jobs 2, warm (everything cached) and one parameter changed; ratios against the cold
    serial run, the per-scene render cost (seconds of render per second of video), and each
    GIF's size and PSNR against the MP4 it came from.
  --peer [ROUNDS]: GradientDescent3D at medium (cold) against scripts/peer_matplotlib.py writing
    as many frames at the same size, alternating (gdanim, peer, then peer, gdanim, ...) so machine
    noise falls on both; frames, wall seconds and fps per run, medians, and gdanim fps / peer fps.
  --course-quality Q [Q ...]: the whole course at each quality, cold serial and cold --jobs 2.
  --split Q [Q ...]: one scene (the first of --scenes, default GradientDescent3D) at each quality,
    cold serial against cold --jobs 2 (two segments, gdanim.segments), checking the two videos
    decode to the same frames; CPU seconds show how many cores the serial render already uses.
  --scene-fps: every scene (or --scenes) at medium, cold serial: frames per wall second and per
    CPU second (per core), against the 15 frames/s per core a matplotlib animation manages.

Usage: python scripts/bench_render.py [--quality low] [--scenes A B ...]
       python scripts/bench_render.py --peer 3
       python scripts/bench_render.py --course-quality medium high
       python scripts/bench_render.py --split medium high
       python scripts/bench_render.py --scene-fps
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from gdanim.render import ffmpeg_exe, frame_size, probe

PEER = Path(__file__).with_name("peer_matplotlib.py")
PEER_SCENE = "GradientDescent3D"


@dataclass(frozen=True)
class Timing:
    wall: float  # seconds, process start to exit
    cpu: float  # user + system seconds of the process and every child it waited for (ffmpeg)


def timed(*command: str) -> Timing:
    """How long ``command`` took; CPU seconds show whether a run used more than one core.
    A failure ends the benchmark."""
    before, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall, after = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return Timing(wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


def gdanim(out: Path, *args: str) -> float:
    """Wall seconds of one `gdanim render` into ``out``."""
    return gdanim_timing(out, *args).wall


def gdanim_timing(out: Path, *args: str) -> Timing:
    return timed(sys.executable, "-m", "gdanim", "render", "--out", str(out), *args)


def entries(out: Path) -> list[dict]:
    return list(json.loads((out / "manifest.json").read_text())["outputs"].values())


def output_file(out: Path, entry: dict, fmt: str) -> Path:
    """The file of format ``fmt`` an entry records (paths are relative to the out folder)."""
    return out / entry["files"][fmt]["path"]


def gif_psnr(gif: Path, mp4: Path) -> float:
    """Mean PSNR of the GIF's frames against the MP4 resampled to the GIF's size and rate."""
    probe_text = subprocess.run([ffmpeg_exe(), "-i", str(gif)], capture_output=True, text=True).stderr
    w, h = map(int, re.search(r"Video: gif.*?(\d+)x(\d+)", probe_text).groups())
    fps = re.search(r"([\d.]+) fps", probe_text).group(1)
    graph = f"[1:v]fps={fps},scale={w}:{h}:flags=lanczos,format=rgb24[ref];[0:v]format=rgb24[g];[g][ref]psnr"
    out = subprocess.run([ffmpeg_exe(), "-i", str(gif), "-i", str(mp4), "-lavfi", graph, "-f", "null", "-"],
                         capture_output=True, text=True).stderr
    return float(re.search(r"average:([\d.]+|inf)", out).group(1))


def load() -> str:
    return "load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


def course_section(tmp: Path, args) -> None:
    """The course at one quality: cold serial, cold --jobs 2, warm, one change; per-scene costs."""
    common = [*args.scenes, "--quality", args.quality, "--format", "both"]
    serial_out, parallel_out = tmp / "serial", tmp / "parallel"
    cold_serial = gdanim(serial_out, *common, "--jobs", "1")
    cold_parallel = gdanim(parallel_out, *common, "--jobs", "2")
    warm = gdanim(serial_out, *common)
    changed = gdanim(serial_out, *common, "--set", args.change)

    print(f"course at {args.quality} quality, mp4 + gif, 2 cores")
    print(f"{'run':<24}{'seconds':>10}{'vs cold serial':>16}")
    for name, seconds in [("cold serial", cold_serial), ("cold --jobs 2", cold_parallel),
                          ("warm (all cached)", warm), (f"one change ({args.change})", changed)]:
        print(f"{name:<24}{seconds:>10.1f}{cold_serial / seconds:>15.1f}x")

    print(f"\n{'scene':<24}{'video s':>9}{'render s':>10}{'render/video':>14}{'gif MB':>9}{'gif PSNR dB':>13}")
    for entry in entries(serial_out):
        gif, mp4 = output_file(serial_out, entry, "gif"), output_file(serial_out, entry, "mp4")
        ratio = entry["render_seconds"] / entry["duration"]
        print(f"{entry['scene']:<24}{entry['duration']:>9.1f}{entry['render_seconds']:>10.1f}{ratio:>14.2f}"
              f"{entry['size']['gif'] / 1e6:>9.2f}{gif_psnr(gif, mp4):>13.1f}")
    if args.keep:
        shutil.copytree(serial_out, args.keep, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".cache", ".work"))


def gdanim_scene_run(tmp: Path, label: str) -> tuple[Path, Timing]:
    """One cold render of the peer's scene at medium in a fresh folder: its MP4 and timing."""
    out = tmp / f"gdanim-{label}"
    timing = gdanim_timing(out, PEER_SCENE, "--quality", "medium")
    (entry,) = entries(out)
    return output_file(out, entry, "mp4"), timing


def peer_run(tmp: Path, label: str, frames: int) -> tuple[Path, Timing]:
    out = tmp / f"peer-{label}.mp4"
    return out, timed(sys.executable, str(PEER), "--frames", str(frames), "--out", str(out))


def peer_section(tmp: Path, rounds: int, keep: Path | None) -> None:
    """gdanim and the matplotlib peer, alternating (ABBA...), each run checked for its frames and
    size; ``keep`` gets the last video of each, to look at."""
    print(f"{PEER_SCENE} at medium: gdanim (cold, fresh out folder) vs matplotlib peer, {rounds} round(s); "
          f"before: {load()}")
    runs = {"gdanim": [], "matplotlib": []}  # (frames, Timing, size) per run
    frames = None
    for r in range(rounds):
        order = ["gdanim", "matplotlib"] if r % 2 == 0 else ["matplotlib", "gdanim"]
        for tool in order:
            video, timing = (gdanim_scene_run(tmp, str(r)) if tool == "gdanim" else peer_run(tmp, str(r), frames))
            count = probe(video)[0]
            frames = frames or count
            runs[tool].append((count, timing, frame_size(video)))
            print(f"  round {r + 1} {tool:<11}{count:>6} frames {timing.wall:>7.1f} s wall {timing.cpu:>7.1f} s cpu"
                  f" {count / timing.wall:>7.2f} fps  {'x'.join(map(str, frame_size(video)))}  ({load()})", flush=True)
            if keep:
                keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(video, keep / f"{tool}.mp4")
            video.unlink()  # the folder's other files are small; only the videos add up
    print(f"\n{'tool':<12}{'frames':>8}{'size':>11}{'median s':>10}{'cpu s':>8}{'fps':>8}{'fps/core':>10}")
    fps, per_core = {}, {}
    for tool, measured in runs.items():
        count, size = measured[0][0], measured[0][2]
        if any((c, sz) != (count, size) for c, _, sz in measured) or count != frames:
            sys.exit(f"{tool} runs differ in frames or size from the first gdanim render: {measured}")
        seconds = statistics.median(t.wall for _, t, _ in measured)
        cpu = statistics.median(t.cpu for _, t, _ in measured)
        fps[tool], per_core[tool] = count / seconds, count / cpu
        print(f"{tool:<12}{count:>8}{'x'.join(map(str, size)):>11}{seconds:>10.1f}{cpu:>8.1f}{fps[tool]:>8.2f}"
              f"{per_core[tool]:>10.2f}")
    # fps/core (frames per CPU second) barely moves with the machine's load; wall fps does
    print(f"gdanim fps / matplotlib fps = {fps['gdanim'] / fps['matplotlib']:.2f} (wall), "
          f"{per_core['gdanim'] / per_core['matplotlib']:.2f} (per core)   after: {load()}\n")


def course_quality_section(tmp: Path, qualities: list[str], scenes: list[str]) -> None:
    """The course (or ``scenes``) at each quality, cold, serial and --jobs 2."""
    print(f"{'course':<10}{'serial s':>10}{'--jobs 2 s':>12}{'speed-up':>10}")
    for quality in qualities:
        common = [*scenes, "--quality", quality]
        serial = gdanim(tmp / f"course-{quality}-serial", *common, "--jobs", "1")
        parallel = gdanim(tmp / f"course-{quality}-jobs2", *common, "--jobs", "2")
        print(f"{quality:<10}{serial:>10.1f}{parallel:>12.1f}{serial / parallel:>9.2f}x  ({load()})", flush=True)


def frames_digest(video: Path) -> str:
    """sha256 of every decoded frame (rgb24): equal digests, frame-identical videos."""
    digest = hashlib.sha256()  # streamed: a 1080p video decodes to gigabytes
    with subprocess.Popen([ffmpeg_exe(), "-v", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                          stdout=subprocess.PIPE) as decoder:
        while chunk := decoder.stdout.read(1 << 22):
            digest.update(chunk)
    if decoder.returncode != 0:
        sys.exit(f"ffmpeg could not decode {video}")
    return digest.hexdigest()


def split_section(tmp: Path, qualities: list[str], scene: str) -> None:
    """One scene, cold, serial against two segments (--jobs 2), frame identity checked."""
    print(f"{scene}, cold, serial vs --jobs 2 (2 segments), 2 cores; before: {load()}")
    print(f"{'quality':<9}{'frames':>7}{'serial s':>10}{'cores':>7}{'2 segs s':>10}{'cores':>7}{'speed-up':>10}"
          f"{'identical':>11}")
    for quality in qualities:
        runs = {}
        for label, jobs in (("serial", "1"), ("split", "2")):
            out = tmp / f"split-{quality}-{label}"
            timing = gdanim_timing(out, scene, "--quality", quality, "--jobs", jobs)
            (entry,) = entries(out)
            runs[label] = (timing, entry["frames"], frames_digest(output_file(out, entry, "mp4")))
        (serial, frames, a), (split, _, b) = runs["serial"], runs["split"]
        print(f"{quality:<9}{frames:>7}{serial.wall:>10.1f}{serial.cpu / serial.wall:>7.2f}{split.wall:>10.1f}"
              f"{split.cpu / split.wall:>7.2f}{serial.wall / split.wall:>9.2f}x{str(a == b):>11}  ({load()})",
              flush=True)
        if a != b:
            sys.exit(f"{scene} at {quality}: the split render's frames differ from the serial render's")


def scene_fps_section(tmp: Path, scenes: list[str]) -> None:
    """Every scene at medium, cold serial: fps per wall second and per CPU second."""
    from gdanim.catalog import discover_scenes

    print(f"every scene at medium, cold serial, process start to exit; before: {load()}")
    print(f"{'scene':<24}{'frames':>7}{'wall s':>8}{'cpu s':>8}{'fps':>7}{'fps/core':>10}")
    for scene in scenes or list(discover_scenes()):
        out = tmp / f"fps-{scene}"
        timing = gdanim_timing(out, scene, "--quality", "medium")
        frames = entries(out)[0]["frames"]
        print(f"{scene:<24}{frames:>7}{timing.wall:>8.1f}{timing.cpu:>8.1f}{frames / timing.wall:>7.1f}"
              f"{frames / timing.cpu:>10.1f}", flush=True)
        shutil.rmtree(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", default="low", help="the course section's quality")
    parser.add_argument("--scenes", nargs="*", default=[], help="scenes of the course sections (default: all)")
    parser.add_argument("--change", default="GradientDescent3D.lr=0.08",
                        help="the one-parameter change for the course section's fourth run")
    parser.add_argument("--keep", type=Path, help="copy the course section's serial outputs (or the peer "
                                                  "section's last videos) here, to look at")
    parser.add_argument("--peer", type=int, nargs="?", const=1, default=0, metavar="ROUNDS",
                        help=f"time {PEER_SCENE} at medium against the matplotlib peer, ROUNDS alternating rounds")
    parser.add_argument("--course-quality", nargs="+", default=[], metavar="Q",
                        help="time the course at each quality, serial and --jobs 2 (long)")
    parser.add_argument("--split", nargs="+", default=[], metavar="Q",
                        help="time one scene serial and in 2 segments at each quality, frames compared")
    parser.add_argument("--scene-fps", action="store_true", help="time every scene at medium: fps per core")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gdanim-bench-") as tmp:
        tmp = Path(tmp)
        if args.peer:
            peer_section(tmp, args.peer, args.keep)
        if args.course_quality:
            course_quality_section(tmp, args.course_quality, args.scenes)
        if args.split:
            split_section(tmp, args.split, (args.scenes or [PEER_SCENE])[0])
        if args.scene_fps:
            scene_fps_section(tmp, args.scenes)
        if not (args.peer or args.course_quality or args.split or args.scene_fps):
            course_section(tmp, args)


if __name__ == "__main__":
    main()
