"""Export the frame shown at the end of each caption of a rendered video, as PNGs to look at.

    python scripts/caption_frames.py media/low/GradientDescent3D.mp4 [OUT_DIR]

Reads the .srt beside the video; writes OUT_DIR/<NN>-<t>s.png (default: a folder named after
the video) with the caption's text in frames.txt. Pausing at the end of a cue is what a lecturer
does: the picture there must show what the caption says.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gdanim.render import ffmpeg_exe
from gdanim.slides import cues_from_subtitles


def caption_frames(video: Path, out: Path, before_end: float = 0.1) -> list[Path]:
    cues = cues_from_subtitles(video.with_suffix(".srt").read_text())
    out.mkdir(parents=True, exist_ok=True)
    written, lines = [], []
    for i, cue in enumerate(cues, start=1):
        t = max(cue.end - before_end, cue.start)
        png = out / f"{i:02d}-{t:06.2f}s.png"
        subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-ss", f"{t:.3f}", "-i", str(video), "-frames:v", "1",
                        str(png)], check=True)
        written.append(png)
        lines.append(f"{png.name}\t{cue.text}")
    (out / "frames.txt").write_text("\n".join(lines) + "\n")
    return written


if __name__ == "__main__":
    video = Path(sys.argv[1])
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else video.with_name(video.stem + "-frames")
    for path in caption_frames(video, out):
        print(path)
