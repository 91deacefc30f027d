"""Web loops and posters (gdanim.web, ``--format webm,loop``): pure choices; one short render at
the course-page size, decoded and measured against its own lossless frames; the cache, on a tiny
test scene."""

import base64
import json
import os
import re
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from click.testing import CliRunner
from manim import (BLUE_E, DOWN, GREEN, LEFT, ORANGE, PINK, RED, RIGHT, TEAL, UP, UR, WHITE, YELLOW, Dot, Ellipse,
                   Rectangle, TracedPath, VGroup, interpolate_color)

from gdanim.cli import main
from gdanim.render import (LOSSLESS, MP4, Job, OutputSettings, cli_flags, drawn_encoding, ffmpeg_exe, parse_formats,
                           run_job, settings_from_record, settings_record)
from gdanim.subtitles import Cue
from gdanim.visual import LessonScene
from gdanim.web import POSTER_MARGIN, poster_time, psnr, source_type

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.chromium import Browser, needs_chromium, serve  # noqa: E402

MODULES = "tests.scenes_for_tests.tiny,tests.scenes_for_tests.beats"
WEB = ("mp4", "gif", "webm", "loop")
QUALITY, FPS = "low", 15  # the course-page regime: 854x480 frames at 15 fps ...
WEB_SIZE, WEB_FPS = (480, 270), 12  # ... made into 480 px loops at the GIF's 12 fps


def gdanim(*args, check=0, env=None):
    """The CLI in this process (ROOT on sys.path: the test scene modules); renders run in spawned
    workers, which inherit the environment."""
    done = CliRunner().invoke(main, list(args), env={"GDANIM_SCENE_MODULES": MODULES, **(env or {})})
    assert done.exit_code == check, f"{done.stdout}{done.stderr}{done.exception!r}"
    return done


def render(out: Path, *args, env=None):
    return gdanim("render", "ThreeBeats", "--quality", "tiny", "--out", str(out), *args, env=env)


# --- pure choices -------------------------------------------------------------------------------


def test_the_poster_shows_the_end_of_the_longest_caption_beat():
    from gdanim.subtitles import CardCue

    cues = [CardCue(0.0, 3.0, "Title: a long title card"), Cue(3.4, 5.4, "short"), Cue(5.8, 9.8, "longest"),
            Cue(10.2, 12.2, "short again"), CardCue(12.6, 30.0, "Takeaway: the longest cue of all")]
    assert poster_time(cues, 31.0) == pytest.approx(9.8 - POSTER_MARGIN)


def test_a_poster_without_captions_is_the_middle_and_never_past_the_end():
    from gdanim.subtitles import CardCue

    assert poster_time([], 8.0) == 4.0
    assert poster_time([Cue(0.0, 9.0, "runs past the end")], 5.0) == pytest.approx(5.0 - POSTER_MARGIN)
    assert poster_time([CardCue(0.0, 2.0, "only a card")], 4.0) == pytest.approx(2.0 - POSTER_MARGIN)


@pytest.mark.parametrize("text, formats", [
    ("mp4", ("mp4",)), ("both", ("mp4", "gif")), ("web", ("webm", "loop")),
    ("gif,mp4", ("mp4", "gif")), (" WebM , mp4,webm", ("mp4", "webm")), ("both,web", WEB)])
def test_format_lists_expand_in_one_order(text, formats):
    assert parse_formats(text) == formats


@pytest.mark.parametrize("formats, encoding", [
    (("mp4",), MP4), (("mp4", "gif"), LOSSLESS), (("mp4", "webm"), LOSSLESS), (("loop",), LOSSLESS)])
def test_every_derived_format_is_made_from_lossless_frames(formats, encoding):
    assert drawn_encoding(OutputSettings(formats=formats)) is encoding


def test_settings_round_trip_through_the_manifest_and_the_command_line():
    settings = OutputSettings(quality="low", formats=("mp4", "webm", "loop"), gif_width=320, gif_fps=24)
    assert settings_from_record(json.loads(json.dumps(settings_record(settings))), "low", Path("media")) == settings
    flags = cli_flags(settings)
    assert flags == ["--quality", "low", "--format", "mp4,webm,loop", "--gif-width", "320", "--gif-fps", "24"]
    assert parse_formats(flags[flags.index("--format") + 1]) == settings.formats
    assert cli_flags(OutputSettings(formats=("webm", "loop")))[2:] == ["--format", "web"]
    old = {"formats": ["mp4", "gif"], "gif_width": 480, "gif_fps": 12}  # a manifest before web loops
    assert settings_from_record(old, "low", Path("media")).formats == ("mp4", "gif")


def test_the_cache_key_follows_the_formats_and_the_web_width():
    from tests.scenes_for_tests.beats import ThreeBeats
    from gdanim.render import job_key

    def key(**kw):
        return job_key(ThreeBeats, {}, OutputSettings(**kw))

    assert len({key(formats=f) for f in (("mp4",), ("mp4", "webm"), ("mp4", "loop"), ("mp4", "webm", "loop"))}) == 4
    assert key(formats=("mp4", "webm"), gif_width=320) != key(formats=("mp4", "webm"))
    assert key(formats=("loop",), gif_fps=24) != key(formats=("loop",))
    assert key(formats=("mp4",), gif_width=320, gif_fps=24) == key(formats=("mp4",))  # no web format: unused


@pytest.mark.parametrize("value", ["avi", "mp4,", "mp4;gif", ""])
def test_a_bad_format_is_one_line_exit_2_and_writes_nothing(tmp_path, value):
    done = gdanim("render", "ThreeBeats", "--quality", "tiny", "--out", str(tmp_path / "media"), "--format", value,
                  check=2)
    assert len(done.output.strip().splitlines()) == 1 and "--format" in done.output and "webm" in done.output
    assert not (tmp_path / "media").exists()


# --- one short render at the course-page size ----------------------------------------------------


@dataclass
class ColourParams:
    seconds: float = 0.6


class Colours(LessonScene):
    """What a lesson's picture holds: a shaded surface (many colours), thin coloured contours and
    a path, captions; a move a beat (the test scenes' flat dots suit a GIF's palette too well)."""

    Params = ColourParams

    def construct(self):
        surface = Rectangle(width=9, height=5).set_fill(color=[BLUE_E, TEAL, YELLOW, ORANGE], opacity=1)
        surface.set_sheen_direction(UR).set_stroke(width=0)
        rings = VGroup(*(Ellipse(width=1.2 * k, height=0.7 * k, stroke_width=1.5,
                                 color=interpolate_color(RED, GREEN, k / 6)) for k in range(1, 7)))
        dot = Dot(LEFT * 3, color=PINK)
        self.add(surface, rings, dot, TracedPath(dot.get_center, stroke_color=WHITE, stroke_width=2))
        for n, target in enumerate((UP + RIGHT, DOWN + RIGHT * 3), start=1):
            with self.beat(f"Step {n}: the path bends."):
                self.play(dot.animate.move_to(target), rings.animate.rotate(0.3), run_time=self.params.seconds)


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """Colours rendered in this process as ``gdanim render --quality low --format mp4,gif,webm,loop``
    would (2.4 s of 2D drawing: a few seconds), its lossless frames kept (GDANIM_KEEP_LOSSLESS)."""
    out = tmp_path_factory.mktemp("media")
    settings = OutputSettings(quality=QUALITY, formats=WEB, out_dir=out)
    os.environ["GDANIM_KEEP_LOSSLESS"] = str(out / "lossless")
    try:
        run_job(Job("Colours", {}, settings), scene_cls=Colours, params_obj=ColourParams(), raise_errors=True)
    finally:
        del os.environ["GDANIM_KEEP_LOSSLESS"]
    return out


def streams(path: Path) -> list[str]:
    """The stream lines ffmpeg prints for a file (codec, pixel format, size)."""
    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    return re.findall(r"Stream #\S+: (.*)", done.stderr)


def top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types in file order (ISO BMFF: 32-bit size, 4-char type)."""
    data, boxes, at = path.read_bytes(), [], 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        size = struct.unpack(">Q", data[at + 8:at + 16])[0] if size == 1 else size or len(data) - at
        boxes.append(kind.decode("latin-1"))
        at += size
    return boxes


def frames(path: Path, size: tuple[int, int] | None = None, fps: int | None = None) -> np.ndarray:
    """Every frame of a video (at ``fps`` and scaled to ``size`` as the web encoders do), as RGB arrays."""
    filters = ([f"fps={fps}"] if fps else []) + ([f"scale={size[0]}:{size[1]}:flags=lanczos"] if size else [])
    reader = imageio_ffmpeg.read_frames(str(path), output_params=["-vf", ",".join(filters)] if filters else [])
    width, height = size or next(reader)["size"]
    if size:
        next(reader)
    return np.stack([np.frombuffer(f, np.uint8).reshape(height, width, 3) for f in reader])


def test_every_output_is_recorded_with_its_file_name(media):
    entry = json.loads((media / "manifest.json").read_text())["outputs"]["low/Colours"]
    assert {fmt: r["path"] for fmt, r in entry["files"].items()} == {
        "srt": "low/Colours.srt", "vtt": "low/Colours.vtt", "poster": "low/Colours.png",
        "mp4": "low/Colours.mp4", "gif": "low/Colours.gif", "webm": "low/Colours.webm",
        "loop": "low/Colours.loop.mp4"}
    assert entry["settings"]["formats"] == list(WEB)


def test_the_loops_are_muted_and_as_long_as_the_video(media):
    mp4_frames, mp4_seconds = imageio_ffmpeg.count_frames_and_secs(str(media / QUALITY / "Colours.mp4"))
    for name, codec, colour in (("Colours.webm", "av1", "yuv444p"), ("Colours.loop.mp4", "h264", "yuv420p")):
        path = media / QUALITY / name
        (video,) = streams(path)  # one stream: no audio, no subtitles
        assert video.startswith(f"Video: {codec}") and colour in video, video
        meta = next(imageio_ffmpeg.read_frames(str(path)))
        assert tuple(meta["size"]) == WEB_SIZE and meta["fps"] == WEB_FPS
        count, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
        assert count == round(mp4_frames * WEB_FPS / FPS) and seconds == pytest.approx(mp4_seconds, abs=1 / WEB_FPS)


def test_the_loop_mp4_starts_before_it_is_loaded(media):
    boxes = top_level_boxes(media / QUALITY / "Colours.loop.mp4")
    assert boxes.index("moov") < boxes.index("mdat"), boxes


def test_the_poster_is_the_frame_at_poster_time_and_not_blank(media):
    from gdanim.slides import cues_from_subtitles

    lossless = frames(media / "lossless" / "Colours.mp4", WEB_SIZE)  # the poster has the loops' size
    cues = cues_from_subtitles((media / QUALITY / "Colours.vtt").read_text())
    at = poster_time(cues, len(lossless) / FPS)
    (still,) = frames(media / QUALITY / "Colours.png").astype(float)
    assert still.std() > 5  # a picture, not a flat frame
    errors = [np.mean((still - frame) ** 2) for frame in lossless]
    shown = int(at * FPS)  # frame i is on screen from i/FPS s to (i+1)/FPS s
    assert errors[shown] == min(errors) < 1.0  # the lossless frame, scaled alike: equal up to rounding
    assert errors[0] > 10 * (errors[shown] + 1)  # and not the opening frame


def test_the_webm_is_truer_than_the_gif_at_a_fraction_of_its_bytes(media):
    lossless, folder = media / "lossless" / "Colours.mp4", media / QUALITY
    gif, webm = psnr(folder / "Colours.gif", lossless, 12), psnr(folder / "Colours.webm", lossless, WEB_FPS)
    assert webm.rgb >= gif.rgb and webm.luma >= gif.luma
    # 17.5% here: a 2.4 s clip is mostly its first frame; whole lessons come to 5-10% (README)
    assert (folder / "Colours.webm").stat().st_size <= 0.25 * (folder / "Colours.gif").stat().st_size


def test_psnr_pools_every_frame_of_the_video(media):
    """Against mean squared errors computed here from the decoded frames (same size and rate)."""
    lossless = media / "lossless" / "Colours.mp4"
    loop = frames(media / QUALITY / "Colours.loop.mp4").astype(float)
    truth = frames(lossless, WEB_SIZE, WEB_FPS).astype(float)
    expected = 10 * np.log10(255**2 / np.mean((loop - truth) ** 2))
    luma = (loop - truth) @ [0.299, 0.587, 0.114]
    measured = psnr(media / QUALITY / "Colours.loop.mp4", lossless, WEB_FPS)
    assert measured.rgb == pytest.approx(expected, abs=0.01)
    assert measured.luma == pytest.approx(10 * np.log10(255**2 / np.mean(luma**2)), abs=0.01)
    assert psnr(lossless, lossless, FPS) == (float("inf"), float("inf"))


def test_the_cache_knows_the_formats_and_checks_the_webm(tmp_path):
    out = tmp_path / "media"
    render(out, "--format", "mp4,webm")
    assert "cached" in render(out, "--format", "webm,mp4").output
    assert "rendered" in render(out, "--format", "mp4,webm,loop").output
    webm = out / "tiny" / "ThreeBeats.webm"
    good = webm.read_bytes()
    webm.write_bytes(os.urandom(len(good)))  # same size: only the checksum tells
    assert "rendered" in render(out, "--format", "mp4,webm,loop").output
    assert webm.read_bytes() == good


FIRST_FRAME = """new Promise((done, failed) => {
  const video = Object.assign(document.createElement("video"), {muted: true, src: %r});
  video.onerror = () => failed(new Error("cannot play %s"));
  video.onloadeddata = () => {
    const canvas = Object.assign(document.createElement("canvas"),
                                 {width: video.videoWidth, height: video.videoHeight});
    canvas.getContext("2d").drawImage(video, 0, 0);
    done(canvas.toDataURL("image/png"));
  };
})"""


@needs_chromium
def test_a_browser_plays_the_loops_as_measured(media):
    """Chromium shows the poster, takes each loop's declared type and shows the frames ffmpeg
    decodes (so the PSNR above is what a course page shows)."""
    folder = media / QUALITY
    (folder / "page.html").write_text('<!doctype html><link rel="icon" href="data:,"><img src="Colours.png">')
    with serve(folder) as url:
        browser = Browser()
        try:
            browser.open(f"{url}/page.html")
            assert browser.eval("document.images[0].naturalWidth") == WEB_SIZE[0]  # the poster
            for name, agreement in (("Colours.webm", 50), ("Colours.loop.mp4", 38)):
                assert browser.eval(f"document.createElement('video').canPlayType({source_type(folder / name)!r})") \
                    == "probably"
                png = base64.b64decode(browser.eval(FIRST_FRAME % (name, name)).split(",", 1)[1])
                (shown,) = frames_of_png(png, folder / name)
                decoded = frames(folder / name)[0]
                mse = np.mean((shown.astype(float) - decoded) ** 2)
                assert 10 * np.log10(255**2 / mse) > agreement, name
            assert not browser.errors()
        finally:
            browser.close()


def frames_of_png(png: bytes, beside: Path) -> np.ndarray:
    path = beside.with_name("browser.png")
    path.write_bytes(png)
    try:
        return frames(path)
    finally:
        path.unlink()
