"""Highlight clips (gdanim.clips): request parsing and spans as pure functions, then `gdanim
render --clip` on the tiny ThreeBeats scene: the clip's frames are the video's over the span,
bad requests write nothing, and a clip of an older render is never listed or reused."""

import json
import math
import sys
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from click.testing import CliRunner

from gdanim.cli import main
from gdanim.clips import (MAX_CLIP_SECONDS, ClipError, Timeline, caption_beats, card_texts, parse_clip,
                          resolve)
from gdanim.embed import clip_entries
from gdanim.slides import cues_from_subtitles
from gdanim.store import sha256
from gdanim.subtitles import Cue

ROOT = Path(__file__).resolve().parents[1]
MODULES = "tests.scenes_for_tests.tiny,tests.scenes_for_tests.beats"
FPS = 5  # tiny quality


def gdanim(*args, check=0):
    """The CLI in this process; renders run in spawned workers that inherit sys.path and env."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the test scene modules
    done = CliRunner().invoke(main, list(args), env={"GDANIM_SCENE_MODULES": MODULES})
    assert done.exit_code == check, f"{done.stdout}{done.stderr}{done.exception!r}"
    return done


def render(out: Path, *args, check=0):
    return gdanim("render", "ThreeBeats", "--quality", "tiny", "--out", str(out), *args, check=check)


def frames(path: Path) -> np.ndarray:
    reader = imageio_ffmpeg.read_frames(str(path))
    width, height = next(reader)["size"]
    return np.stack([np.frombuffer(f, np.uint8).reshape(height, width, 3) for f in reader]).astype(float)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a - b) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


def outputs(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())["outputs"]


# --- pure: requests and spans ---------------------------------------------------------------------


@pytest.mark.parametrize("text, beat, start, end", [("3", 3, None, None), ("12.5:18", None, 12.5, 18.0),
                                                    ("0:8", None, 0.0, 8.0)])
def test_requests_parse_as_a_beat_or_seconds(text, beat, start, end):
    request = parse_clip(text)
    assert (request.beat, request.start, request.end) == (beat, start, end)


@pytest.mark.parametrize("text, message", [
    ("0", "numbered from 1"), ("-2", "numbered from 1"), ("two", "caption number"), ("1:2:3", "caption number"),
    ("nan:3", "seconds from 0"), ("1:inf", "seconds from 0"), ("-1:2", "seconds from 0"),
    ("5:5", "END must come after START"), ("6:2", "END must come after START"), ("0:8.5", "at most 8 s"),
])
def test_impossible_requests_are_refused_before_any_video_is_looked_at(text, message):
    with pytest.raises(ClipError, match=message):
        parse_clip(text)


# a lesson: title card, three captions (the second 11 s long), takeaway card; 30 fps
LESSON = Timeline([Cue(0.0, 2.4, "Title"), Cue(2.8, 5.0, "one"), Cue(5.4, 16.4, "two"), Cue(16.8, 19.0, "three"),
                   Cue(19.4, 25.0, "Takeaway: t")], 25.0, 30.0)
CARDS = {"Title", "Takeaway: t"}


def test_beats_are_numbered_like_the_script_and_end_with_their_caption():
    beats = caption_beats(LESSON, CARDS)
    assert [(b.start, b.end, b.text) for b in beats] == [(2.4, 5.0, "one"), (5.0, 16.4, "two"), (16.4, 19.0, "three")]
    span, note = resolve(parse_clip("3"), LESSON, beats, "Lesson")
    assert (span.label, span.start, span.end, span.beat, span.caption, note) == ("beat3", 16.4, 19.0, 3, "three", "")
    # without a plan (no script) every cue is a beat, as on the scene's slides
    assert [b.text for b in caption_beats(LESSON, set())] == ["Title", "one", "two", "three", "Takeaway: t"]
    # the last beat ends with its caption, not with what follows it (an end card)
    end_card = Timeline(LESSON.cues[1:4], 23.4, 30.0)
    assert caption_beats(end_card, set())[-1] == (16.4, 19.0, "three")


def test_a_lesson_s_beats_through_its_vtt_are_its_script_s_numbered_captions():
    from gdanim.lessons.gradient_descent_3d import Params, plan
    from gdanim.lessons.script import to_markdown
    from gdanim.subtitles import to_vtt

    lesson_scene = type("LessonScene", (), {"Params": Params, "plan": staticmethod(plan)})
    texts = plan(Params()).cue_texts()  # title, captions, takeaway, as a render's .vtt has them
    vtt = to_vtt([Cue(3.0 * i, 3.0 * i + 2.5, text) for i, text in enumerate(texts)])
    timeline = Timeline(cues_from_subtitles(vtt), 3.0 * len(texts), 15.0)
    beats = caption_beats(timeline, card_texts(lesson_scene, Params()))
    script = to_markdown("GradientDescent3D", plan(Params()))
    assert [f"{n}. {b.text}" for n, b in enumerate(beats, start=1)] == [
        line for line in script.splitlines() if line[:1].isdigit()]


def test_a_long_beat_keeps_its_last_seconds_and_says_so():
    span, note = resolve(parse_clip("2"), LESSON, caption_beats(LESSON, CARDS), "Lesson")
    assert (span.start, span.end) == (round(16.4 - MAX_CLIP_SECONDS, 3), 16.4)
    assert "beat 2 lasts 11.4 s" in note and "last 8 s" in note


def test_seconds_are_snapped_to_whole_frames_and_keep_the_caption_they_show_most():
    span, _ = resolve(parse_clip("4.99:7.02"), LESSON, caption_beats(LESSON, CARDS), "Lesson")
    assert (span.label, span.start, span.end, span.caption) == ("4.99-7.02", 5.0, 7.0, "two")
    vtt_rounded = Timeline(LESSON.cues, 25.0, 30.0)  # 1.0667 s (a .vtt's ms) is frame 32 of 30 fps
    span, _ = resolve(parse_clip("1.0667:2.0333"), vtt_rounded, [], "Lesson")
    assert (round(span.start * 30), round(span.end * 30)) == (32, 61)


@pytest.mark.parametrize("text, message", [("4", "has 3 caption beats; pick 1 to 3"),
                                           ("24:27", "25.00 s long"), ("25:26", "25.00 s long"),
                                           ("12.50:12.52", "shorter than one frame")])
def test_requests_beyond_the_video_are_refused(text, message):
    with pytest.raises(ClipError, match=message):
        resolve(parse_clip(text), LESSON, caption_beats(LESSON, CARDS), "Lesson")


# --- the command, on a tiny render ----------------------------------------------------------------


@pytest.fixture(scope="module")
def clipped(tmp_path_factory):
    out = tmp_path_factory.mktemp("media")
    done = render(out, "--clip", "2", "--clip", "0.4:2.6")
    return out, done


def test_a_beat_clip_is_the_video_over_that_beat(clipped):
    out, _ = clipped
    cues = cues_from_subtitles((out / "tiny" / "ThreeBeats.vtt").read_text())
    first, last = round(cues[0].end * FPS), round(cues[1].end * FPS)  # beat 2: caption 1's end to caption 2's
    video = frames(out / "tiny" / "ThreeBeats.mp4")
    for ext in ("mp4", "webm"):
        clip = frames(out / "tiny" / "clips" / f"ThreeBeats.clip-beat2.{ext}")
        assert len(clip) == last - first and clip.shape[1:] == video.shape[1:]  # 256 px: never upscaled
        assert psnr(clip, video[first:last]) > 30
        # one frame early or late is measurably worse: the dot moves between frames
        assert psnr(clip, video[first:last]) > max(psnr(clip, video[first - 1:last - 1]),
                                                   psnr(clip, video[first + 1:last + 1])) + 3


def test_a_seconds_clip_and_its_poster(clipped):
    out, _ = clipped
    video = frames(out / "tiny" / "ThreeBeats.mp4")
    clip = frames(out / "tiny" / "clips" / "ThreeBeats.clip-0.4-2.6.mp4")
    assert len(clip) == round((2.6 - 0.4) * FPS) and psnr(clip, video[2:13]) > 30
    entry = outputs(out)["tiny/ThreeBeats/clip-0.4-2.6"]
    assert entry["duration"] == pytest.approx(2.2, abs=1 / FPS)
    poster = frames(out / "tiny" / "clips" / "ThreeBeats.clip-0.4-2.6.png")[0]
    assert poster.std() > 5  # not a blank frame
    assert max(psnr(poster, f) for f in clip) > 30  # one of the clip's own pictures


def test_clips_are_recorded_beside_the_render_they_come_from(clipped):
    out, done = clipped
    entries = outputs(out)
    scene = entries["tiny/ThreeBeats"]
    entry = entries["tiny/ThreeBeats/clip-beat2"]
    assert entry["source_key"] == scene["key"] and entry["scene"] == "ThreeBeats" and entry["quality"] == "tiny"
    assert entry["clip"]["beat"] == 2 and entry["clip"]["label"] == "beat2"
    assert entry["clip"]["caption"] == "Beat 2: the dot moves."
    assert set(entry["files"]) == {"mp4", "webm", "poster"}
    for record in entry["files"].values():
        assert record["path"].startswith("tiny/clips/ThreeBeats.clip-beat2.")
        assert sha256(out / record["path"]) == record["sha256"]
    assert [e["clip"]["label"] for e in clip_entries(out, scene)] == ["0.4-2.6", "beat2"]  # in time order
    assert "clip beat2" in done.stdout


def test_a_second_run_reuses_the_clips(clipped):
    out, _ = clipped
    before = outputs(out)
    again = render(out, "--clip", "2")
    assert "cached" in again.stdout.split("clip beat2")[1].splitlines()[0]
    assert outputs(out) == before


@pytest.mark.parametrize("args, message", [
    (["--clip", "0"], "numbered from 1"),
    (["--clip", "4"], "ThreeBeats has 3 caption beats"),
    (["--clip", "3:2"], "END must come after START"),
    (["--clip", "nan:2"], "seconds from 0"),
    (["--clip", "5:12"], "ThreeBeats is"),
    (["--clip", "1", "--format", "gif"], "add mp4 to --format"),
    (["--clip", "1", "--captions", "none"], "--captions none"),
])
def test_bad_clips_are_one_line_exit_2_and_write_nothing(tmp_path, args, message):
    out = tmp_path / "media"
    done = render(out, *args, check=2)
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not out.exists()  # checked before anything is rendered


def test_a_lesson_counts_its_beats_by_its_plan_before_anything_runs(tmp_path):
    from gdanim.lessons.gradient_descent_3d import Params, plan

    count = len(plan(Params()).beats)
    done = gdanim("render", "GradientDescent3D", "--quality", "tiny", "--out", str(tmp_path / "media"),
                  "--clip", str(count + 1), check=2)
    assert f"GradientDescent3D has {count} caption beats; pick 1 to {count}" in done.stderr
    assert not (tmp_path / "media").exists()


def test_a_clip_of_an_older_render_is_not_listed_and_is_cut_again(clipped, tmp_path):
    import shutil

    out = tmp_path / "media"
    shutil.copytree(clipped[0], out)
    old = outputs(out)["tiny/ThreeBeats/clip-0.4-2.6"]
    render(out, "--set", "ThreeBeats.shift=2.0")  # the scene changes; its clips are not re-cut
    scene = outputs(out)["tiny/ThreeBeats"]
    assert scene["key"] != old["source_key"] and clip_entries(out, scene) == []
    render(out, "--set", "ThreeBeats.shift=2.0", "--clip", "0.4:2.6")
    scene, new = outputs(out)["tiny/ThreeBeats"], outputs(out)["tiny/ThreeBeats/clip-0.4-2.6"]
    assert new["source_key"] == scene["key"] and new["files"]["mp4"]["sha256"] != old["files"]["mp4"]["sha256"]
    assert [e["clip"]["label"] for e in clip_entries(out, scene)] == ["0.4-2.6"]  # beat2 is stale


@pytest.mark.parametrize("quality, fps", [("tiny", 5.0), ("low", 15.0)])
def test_a_scene_not_rendered_yet_is_timed_on_its_own_frame_clock(tmp_path, quality, fps):
    """Seconds are checked before rendering against a dry run at the job's own quality (its
    frame rate decides where the video ends, to the frame)."""
    from gdanim.clips import dry_run_timeline
    from gdanim.render import Job, OutputSettings

    sys.path.insert(0, str(ROOT))
    from tests.scenes_for_tests.beats import ThreeBeats

    job = Job("ThreeBeats", {}, OutputSettings(quality=quality, out_dir=tmp_path))
    timeline = dry_run_timeline(job, ThreeBeats, ThreeBeats.Params())
    assert timeline.fps == fps and timeline.duration == pytest.approx(6.6, abs=1 / fps)
    assert not any(tmp_path.iterdir())  # a check writes nothing
