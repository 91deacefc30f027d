"""Benchmark the web formats: per scene, the GIF, the WebM loop and the loop MP4 (gdanim.web) in
bytes and in PSNR against the lossless frames they were made from.

Each scene renders once, in this process, with --format mp4,gif,webm,loop; the lossless
intermediate (libx264rgb crf 0, what every web format is encoded from) is kept as
OUT/lossless/<Scene>.mp4 (GDANIM_KEEP_LOSSLESS, gdanim.render.keep_lossless). PSNR
(gdanim.web.psnr: over RGB / over luma, all frames pooled) compares each output's decoded frames
with the lossless frames brought to that output's size and frame rate the way its encoder does
(fps filter, lanczos scale); all three at the web frame rate (--gif-fps, 12). "% gif" is an
output's bytes as a share of the GIF's; "encode s" the seconds each encoder took.

--sweep encodes the kept lossless renders again with candidate codec settings (VP9, AV1 and H.264,
4:2:0 and 4:4:4 colour, several crf) and prints bytes and PSNR: how gdanim.web's settings were chosen.

Usage: python scripts/bench_web.py [--quality low] [--scenes A B ...] [--out DIR] [--sweep]
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import gdanim.render as render
import gdanim.web as web
from gdanim.render import GIF_STEPS, Job, OutputSettings, frame_rate, probe, run_job

FORMATS = ("mp4", "gif", "webm", "loop")
SECONDS: dict[tuple[str, str], float] = defaultdict(float)  # (scene, encoder) -> seconds
VP9 = ["-c:v", "libvpx-vp9", "-b:v", "0", "-deadline", "good", "-cpu-used", "2", "-row-mt", "1"]
AOM = ["-c:v", "libaom-av1", "-pix_fmt", "yuv444p", "-b:v", "0", "-row-mt", "1", "-cpu-used", "6"]
SWEEP = {  # name -> candidate ffmpeg codec options, for gdanim.web.encode
    **{f"vp9 crf {crf}": [*VP9, "-pix_fmt", "yuv420p", "-crf", str(crf)] for crf in (24, 32, 40)},
    **{f"vp9-444 crf {crf}": [*VP9, "-pix_fmt", "yuv444p", "-crf", str(crf)] for crf in (24, 28, 32)},
    **{f"av1-420 crf {crf}": ["-c:v", "libsvtav1", "-pix_fmt", "yuv420p", "-crf", str(crf), "-preset", "6"]
       for crf in (28, 36)},
    **{f"av1-444 crf {crf}": [*AOM, "-crf", str(crf)] for crf in (28, 32, 36)},
    **{f"av1-444 screen crf {crf}": [*AOM, "-crf", str(crf), "-aom-params", "tune-content=screen"]
       for crf in (28, 32, 36)},
    **{f"av1-444 screen cpu-used {cpu} crf {crf}": [*AOM, "-cpu-used", str(cpu), "-crf", str(crf),  # last wins
                                                     "-aom-params", "tune-content=screen"]
       for cpu in (2, 4) for crf in (34, 35, 36)},
    **{f"h264 {preset} crf {crf}": ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", str(crf), "-preset", preset,
                                    "-tune", "animation"] for crf in (20, 28) for preset in ("slow", "veryslow")},
}


def timed(scene: str, name: str, encode):
    """``encode`` that adds its seconds to SECONDS[scene, name]."""
    @functools.wraps(encode)
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return encode(*args, **kwargs)
        finally:
            SECONDS[scene, name] += time.perf_counter() - t0
    return wrapper


def render_timed(scene: str, settings: OutputSettings) -> dict[str, Path]:
    """Render ``scene`` in this process (GDANIM_KEEP_LOSSLESS keeps its lossless frames) with
    its encoders timed; returns its files."""
    originals = render.encode_gif, web.encode_webm, web.encode_loop_mp4
    render.encode_gif = timed(scene, "gif", originals[0])
    web.encode_webm, web.encode_loop_mp4 = timed(scene, "webm", originals[1]), timed(scene, "loop", originals[2])
    try:
        return run_job(Job(scene, {}, settings), raise_errors=True).files
    finally:
        render.encode_gif, web.encode_webm, web.encode_loop_mp4 = originals


def gif_fps(gif: Path, settings: OutputSettings) -> float:
    """The GIF's frame rate: the GIF_STEPS rate (its size budget may step it down) that its
    frame count over its duration is nearest to (GIF delays are whole centiseconds)."""
    frames, seconds = probe(gif)
    rates = {settings.gif_fps * scale for _, scale, _ in GIF_STEPS}
    return min(rates, key=lambda rate: abs(rate - frames / seconds))


def scene_row(scene: str, files: dict[str, Path], lossless: Path, settings: OutputSettings) -> list[str]:
    gif_bytes = files["gif"].stat().st_size
    gif_psnr = web.psnr(files["gif"], lossless, gif_fps(files["gif"], settings))
    cells = [scene, f"{gif_bytes / 1e3:.0f} kB", decibels(gif_psnr)]
    loop_fps = min(frame_rate(lossless), settings.gif_fps)
    for fmt in ("webm", "loop"):
        size = files[fmt].stat().st_size
        cells += [f"{size / 1e3:.0f} kB", decibels(web.psnr(files[fmt], lossless, loop_fps)),
                  f"{100 * size / gif_bytes:.1f}%"]
    cells.append(" ".join(f"{fmt} {SECONDS[scene, fmt]:.1f}" for fmt in ("gif", "webm", "loop")))
    return cells


def decibels(psnr: web.Psnr) -> str:
    return f"{psnr.rgb:.1f} / {psnr.luma:.1f}"


def sweep(scene: str, lossless: Path, gif: Path, settings: OutputSettings, work: Path) -> None:
    """Each SWEEP setting on the lossless render: bytes, PSNR, % of the GIF, seconds."""
    loop_fps = min(frame_rate(lossless), settings.gif_fps)
    for name, codec in SWEEP.items():
        target = work / f"{scene}.{name.replace(' ', '_')}.{'mp4' if name.startswith('h264') else 'webm'}"
        t0 = time.perf_counter()
        web.encode(lossless, target, codec, settings.gif_width, loop_fps)
        seconds = time.perf_counter() - t0
        size = target.stat().st_size
        print(f"  {scene:24} {name:22}: {size / 1e3:7.0f} kB {decibels(web.psnr(target, lossless, loop_fps))} dB "
              f"{100 * size / gif.stat().st_size:5.1f}% of gif, {seconds:5.1f} s", flush=True)
        target.unlink()


def main() -> None:
    from gdanim.catalog import discover_scenes

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenes", nargs="+", default=None, help="default: every scene")
    parser.add_argument("--quality", default="low")
    parser.add_argument("--out", type=Path, default=None, help="default: a temporary folder")
    parser.add_argument("--sweep", action="store_true", help="also try candidate codec settings")
    args = parser.parse_args()
    logging.getLogger("imageio_ffmpeg").setLevel(logging.ERROR)  # "frame size for reading differs": on purpose
    out = args.out or Path(tempfile.mkdtemp(prefix="gdanim-bench-web-"))
    settings = OutputSettings(quality=args.quality, formats=FORMATS, out_dir=out)
    os.environ["GDANIM_KEEP_LOSSLESS"] = str(out / "lossless")
    header = ["scene", "gif", "gif dB rgb / luma", "webm", "webm dB", "webm % gif", "loop", "loop dB", "loop % gif",
              "encode s"]
    rows = []
    for scene in args.scenes or list(discover_scenes()):
        lossless = out / "lossless" / f"{scene}.mp4"
        files = render_timed(scene, settings)
        rows.append(scene_row(scene, files, lossless, settings))
        print(" | ".join(rows[-1]), flush=True)
        if args.sweep:
            sweep(scene, lossless, files["gif"], settings, out / "lossless")
    print(f"\n{args.quality}, web width {settings.gif_width} px, outputs in {out}\n")
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
