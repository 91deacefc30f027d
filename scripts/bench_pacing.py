"""How long the picture stands still: per scene, the share of the video whose frames do not
change above the caption band, and the longest such still stretch (the takeaway card, a
deliberate hold, is left out of both).

    python scripts/bench_pacing.py                      # the course at low quality (cached renders reused)
    python scripts/bench_pacing.py GradientDescent3D --quality tiny

Renders with `gdanim render` into --out (default media/bench-pacing), then decodes each MP4 at
854 px (low quality's own width), grey, and compares consecutive frames above the bottom CAPTION_BAND of the picture.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from gdanim.lessons import MODULES
from gdanim.slides import cues_from_subtitles

CAPTION_BAND = 0.22  # bottom share of the frame where captions sit: their fades are not motion
CHANGED = 6  # a pixel has changed when its grey level moves by more than this (of 255)
TARGET_SHARE, TARGET_STRETCH = 0.15, 5.0


def still_frames(video: Path, width: int = 854) -> tuple[np.ndarray, float]:
    """Per frame (from the second on), whether it equals the one before above the caption band;
    and the frame rate."""
    reader = imageio_ffmpeg.read_frames(str(video), pix_fmt="gray", bpp=1,
                                        output_params=["-vf", f"scale={width}:-2"])
    meta = next(reader)
    still, before = [], None
    for raw in reader:
        height = len(raw) // width
        frame = np.frombuffer(raw, dtype=np.uint8).reshape(height, width)
        frame = frame[: int(height * (1 - CAPTION_BAND))].astype(np.int16)
        if before is not None:
            still.append(not np.any(np.abs(frame - before) > CHANGED))
        before = frame
    return np.array(still, dtype=bool), float(meta["fps"])


def pacing(video: Path) -> dict:
    """Still share and longest still stretch (seconds), the takeaway's hold left out."""
    still, fps = still_frames(video)
    cues = cues_from_subtitles(video.with_suffix(".srt").read_text())
    takeaway = cues[-1].start if cues and cues[-1].text.startswith("Takeaway:") else len(still) / fps
    upto = min(len(still), int(takeaway * fps))
    lesson = still[:upto]
    longest, run, longest_at = 0, 0, 0.0
    for i, s in enumerate(lesson):
        run = run + 1 if s else 0
        if run > longest:
            longest, longest_at = run, (i - run + 2) / fps
    hold = (len(still) - upto) / fps
    return {"seconds": len(still) / fps, "share": float(lesson.mean()) if len(lesson) else 0.0,
            "longest": longest / fps, "longest_at": longest_at, "takeaway_hold": hold}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenes", nargs="*", default=list(MODULES))
    ap.add_argument("--quality", default="low", choices=["tiny", "low", "medium"])
    ap.add_argument("--out", type=Path, default=Path("media/bench-pacing"))
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    logging.getLogger("imageio_ffmpeg").setLevel(logging.ERROR)  # "frame size for reading differs": on purpose
    subprocess.run([sys.executable, "-m", "gdanim", "render", *args.scenes, "--quality", args.quality,
                    "--out", str(args.out), "--jobs", str(args.jobs)], check=True)
    rows, total, still_total = [], 0.0, 0.0
    for scene in args.scenes:
        r = pacing(args.out / args.quality / f"{scene}.mp4")
        lesson = r["seconds"] - r["takeaway_hold"]
        total, still_total = total + lesson, still_total + r["share"] * lesson
        rows.append((scene, r))
    print("\n| scene | video s | still share | longest still (s, at) | takeaway hold s |")
    print("|---|---:|---:|---:|---:|")
    for scene, r in rows:
        print(f"| {scene} | {r['seconds']:.1f} | {100 * r['share']:.0f}% | {r['longest']:.1f} "
              f"(at {r['longest_at']:.1f}) | {r['takeaway_hold']:.1f} |")
    share = still_total / total if total else 0.0
    print(f"| course | {total:.1f} (before takeaways) | {100 * share:.0f}% | "
          f"{max(r['longest'] for _, r in rows):.1f} | |")
    print(f"\ntargets: still share < {100 * TARGET_SHARE:.0f}%, no still stretch > {TARGET_STRETCH:g} s, "
          f"takeaway hold >= 6 s")


if __name__ == "__main__":
    main()
