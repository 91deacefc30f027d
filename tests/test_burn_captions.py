"""`gdanim render --format gif --burn-captions`: caption beats drawn into the GIF's frames at
GIF size, and nothing else changed (frames outside the caption beats, and the picture above
the caption band, are byte-identical to the plain GIF's)."""

import os
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from gdanim.burn import band_height, caption_cues, font_px, wrap
from gdanim.slides import cues_from_subtitles
from gdanim.subtitles import Cue
from gdanim.visual.lesson import CardCue

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "GDANIM_SCENE_MODULES": "tests.scenes_for_tests.narrated", "PYTHONPATH": str(ROOT)}
GIF_FPS = 12


def gdanim(*args, check=0):
    done = subprocess.run([sys.executable, "-m", "gdanim", *args], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == check, done.stdout + done.stderr
    return done


def frames(gif: Path) -> np.ndarray:
    reader = imageio_ffmpeg.read_frames(str(gif))
    meta = next(reader)
    w, h = meta["size"]
    return np.stack([np.frombuffer(f, dtype=np.uint8).reshape(h, w, 3) for f in reader])


def read_cues(srt: Path) -> list[Cue]:
    return cues_from_subtitles(srt.read_text())


@pytest.fixture(scope="module")
def gifs(tmp_path_factory):
    plain, burned = tmp_path_factory.mktemp("plain"), tmp_path_factory.mktemp("burned")
    gdanim("render", "Narrated", "--quality", "tiny", "--format", "gif", "--out", str(plain))
    gdanim("render", "Narrated", "--quality", "tiny", "--format", "gif", "--burn-captions", "--out", str(burned))
    return plain / "tiny", burned / "tiny"


def test_captions_drawn_only_during_caption_beats(gifs):
    plain_dir, burned_dir = gifs
    plain, burned = frames(plain_dir / "Narrated.gif"), frames(burned_dir / "Narrated.gif")
    assert plain.shape == burned.shape and plain.shape[1:] == (144, 256, 3)
    cues = read_cues(plain_dir / "Narrated.srt")
    assert (burned_dir / "Narrated.srt").read_text() == (plain_dir / "Narrated.srt").read_text()
    title, caption, takeaway = cues
    # the caption stays drawn through the scene caption's 0.4 s fade-out
    window = (caption.start, caption.end + 0.4)
    lines = wrap(caption.text, 256, font_px(144))
    band = band_height(len(lines), 144, font_px(144))
    assert len(lines) == 3 and band == 56  # 12 px text at 256x144
    margin = 1 / GIF_FPS
    inside = outside = 0
    for i, (a, b) in enumerate(zip(plain, burned)):
        t = i / GIF_FPS
        if window[0] + margin < t < window[1] - margin:
            inside += 1
            changed = np.any(a != b, axis=2)
            assert not changed[: 144 - band].any(), t  # the picture above the band is untouched
            assert changed[144 - band:].mean() > 0.2, t  # the band and its text are drawn
            band_pixels = b[144 - band:].reshape(-1, 3)
            assert (band_pixels.max(axis=1) > 150).mean() > 0.02  # light caption text on it
        elif t < window[0] - margin or t > window[1] + margin:
            outside += 1
            assert np.array_equal(a, b), t  # title card, gaps, takeaway: exactly the plain GIF
    assert inside >= 40 and outside >= 30


def test_cards_are_not_burned_and_fade_outs_are_covered():
    cues = [CardCue(0.0, 1.0, "Title"), Cue(2.0, 4.0, "one"), Cue(4.0, 6.0, "two"),
            CardCue(8.0, 9.0, "Takeaway: x")]
    assert caption_cues(cues) == [Cue(2.0, 4.0, "one"), Cue(4.0, 6.4, "two")]


def test_burn_captions_needs_a_gif(tmp_path):
    done = gdanim("render", "Narrated", "--quality", "tiny", "--burn-captions", "--out", str(tmp_path / "m"),
                  check=2)
    assert "--burn-captions draws into GIFs" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "m").exists()
