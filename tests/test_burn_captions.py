"""`gdanim render --format gif --captions soft --burn-captions`: caption beats drawn at GIF size
in a band added below the clean picture, and nothing else changed (the picture, in every frame, is
pixel-identical to the plain GIF's; the band is empty outside the caption beats). Each caption is
seen once: with on-screen captions (--captions screen) the GIF gets no band."""

import os
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from gdanim.burn import band_height, caption_band, caption_cues, font_px, wrap
from gdanim.render import GIF_STEPS, OutputSettings, burns_band, encode_gif, ffmpeg_exe
from gdanim.slides import cues_from_subtitles
from gdanim.subtitles import Cue
from gdanim.subtitles import CardCue
from gdanim.theme import THEME

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


def render_gif(tmp_path_factory, name: str, *flags: str) -> Path:
    out = tmp_path_factory.mktemp(name)
    gdanim("render", "Narrated", "--quality", "tiny", "--format", "gif", *flags, "--out", str(out))
    return out / "tiny"


@pytest.fixture(scope="module")
def gifs(tmp_path_factory):
    """(plain, burned): clean pictures (--captions soft), the second with the band."""
    return (render_gif(tmp_path_factory, "plain", "--captions", "soft"),
            render_gif(tmp_path_factory, "burned", "--captions", "soft", "--burn-captions"))


def background() -> np.ndarray:
    return np.array([int(THEME.background[i:i + 2], 16) for i in (1, 3, 5)])


def test_captions_drawn_in_a_band_below_the_picture_only_during_caption_beats(gifs):
    plain_dir, burned_dir = gifs
    plain, burned = frames(plain_dir / "Narrated.gif"), frames(burned_dir / "Narrated.gif")
    cues = read_cues(plain_dir / "Narrated.srt")
    assert (burned_dir / "Narrated.srt").read_text() == (plain_dir / "Narrated.srt").read_text()
    title, caption, takeaway = cues
    lines = wrap(caption.text, 256, font_px(144))
    band = band_height(len(lines), font_px(144))
    assert len(lines) == 3 and band == 56 == caption_band(cues, 256, 144)  # 12 px text at 256x144
    assert plain.shape[1:] == (144, 256, 3) and burned.shape == (len(plain), 144 + band, 256, 3)
    # the picture is never touched: every frame's top 144 rows are exactly the plain GIF's
    # (same palette, made from the picture alone; ordered dithering is per pixel)
    assert np.array_equal(burned[:, :144], plain)
    # the caption stays drawn through the scene caption's 0.4 s fade-out
    window = (caption.start, caption.end + 0.4)
    margin = 1 / GIF_FPS
    inside = outside = 0
    for i, frame in enumerate(burned):
        t = i / GIF_FPS
        strip = frame[144:].astype(int)
        off_background = np.abs(strip - background()).max(axis=2) > 8  # palette noise: a few levels
        if window[0] + margin < t < window[1] - margin:
            inside += 1
            assert (strip.max(axis=2) > 150).mean() > 0.02, t  # light caption text in the band
            rows = np.flatnonzero(off_background.any(axis=1))
            assert rows.min() >= 2 and rows.max() <= band - 3, t  # centred in it, clear of its edges
        elif t < window[0] - margin or t > window[1] + margin:
            outside += 1
            assert not off_background.any(), t  # title card, gaps, takeaway: an empty band
    assert inside >= 40 and outside >= 30


@pytest.mark.parametrize("captions, formats, band", [
    ("soft", ("gif",), True), ("soft", ("mp4", "gif"), True),
    ("screen", ("gif",), False),  # the picture shows each caption: a band would repeat it
    ("none", ("gif",), False), ("soft", ("mp4",), False)])
def test_band_only_under_a_clean_picture(captions, formats, band):
    assert burns_band(OutputSettings(formats=formats, burn_captions=True, captions=captions)) is band
    assert not burns_band(OutputSettings(formats=formats, captions=captions))


def test_screen_captions_are_not_burned_again(gifs, tmp_path_factory):
    """--burn-captions with on-screen captions: no band; the caption is in the picture, once."""
    clean_dir, _ = gifs
    screen = frames(render_gif(tmp_path_factory, "screen", "--burn-captions") / "Narrated.gif")
    clean = frames(clean_dir / "Narrated.gif")
    _, caption, _ = read_cues(clean_dir / "Narrated.srt")
    assert screen.shape == clean.shape  # 144 rows: no band below
    during = round((caption.start + caption.end) / 2 * GIF_FPS)
    bottom = (slice(None), slice(100, 144))  # where the scene draws its caption
    changed = np.abs(screen[during][bottom].astype(int) - clean[during][bottom]).max(axis=2) > 40
    assert changed.mean() > 0.02  # the scene's own caption is drawn there ...
    above = np.abs(screen[during][:100].astype(int) - clean[during][:100]).max(axis=2) > 40
    assert above.mean() < 0.002  # ... and nothing above it (each GIF has its own palette: a few levels)


def test_band_fits_the_longest_caption_at_least_two_lines():
    short, long = Cue(0.0, 1.0, "Short."), Cue(1.0, 2.0, "word " * 40)
    assert caption_band([CardCue(0.0, 1.0, "Only a title card")], 480, 270) == 0  # nothing to burn
    assert caption_band([short], 480, 270) == band_height(2, 18) == 56  # 2 x 21.6 px + 2 x 6 px
    assert len(wrap(long.text, 480, 18)) == 4
    assert caption_band([short, long], 480, 270) == band_height(4, 18) == 100


def test_burned_gif_within_the_size_budget_keeps_its_band(tmp_path):
    """Over the byte budget the GIF steps down (narrower, fewer frames and colours); the band
    shrinks with the picture and still holds the caption."""
    source = tmp_path / "clip.mp4"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc2=size=320x180:rate=12:duration=2", "-pix_fmt", "yuv420p", str(source)],
                   check=True)
    cue = Cue(0.0, 2.0, "A caption long enough to wrap onto two lines at this width")
    fits = encode_gif(source, tmp_path / "fits.gif", 320, 12, captions=[cue])
    squeezed = encode_gif(source, tmp_path / "squeezed.gif", 320, 12, max_bytes=1, captions=[cue])
    assert frames(fits).shape[1:] == (180 + caption_band([cue], 320, 180), 320, 3)
    width_scale = GIF_STEPS[-1][0]
    w, h = int(320 * width_scale), int(180 * width_scale)
    small = frames(squeezed)
    assert small.shape[1:] == (h + caption_band([cue], w, h), w, 3)
    assert (small[:, h:].max(axis=3) > 150).mean() > 0.02


def test_cards_are_not_burned_and_fade_outs_are_covered():
    cues = [CardCue(0.0, 1.0, "Title"), Cue(2.0, 4.0, "one"), Cue(4.0, 6.0, "two"),
            CardCue(8.0, 9.0, "Takeaway: x")]
    assert caption_cues(cues) == [Cue(2.0, 4.0, "one"), Cue(4.0, 6.4, "two")]


def test_burn_captions_needs_a_gif(tmp_path):
    done = gdanim("render", "Narrated", "--quality", "tiny", "--burn-captions", "--out", str(tmp_path / "m"),
                  check=2)
    assert "--burn-captions draws into GIFs" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "m").exists()
