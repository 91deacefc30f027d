"""`gdanim render --voice` end to end on a tiny narrated scene: beats last their speech, clips
are cached by text, the MP4 carries one AAC track as long as the video, and a missing engine
fails up front.

The engine is the real espeak-ng (`make test` installs it: ~12 MB, a few seconds), run through
a logging wrapper put first on PATH so the tests can count syntheses. Where espeak-ng is not
installed (plain `pytest` on a machine without it) the wrapper stands in for it with a
deterministic tone of 0.4 s per word at 150 words per minute, so the same code paths run.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from gdanim.slides import cues_from_subtitles
from gdanim.subtitles import Cue

ROOT = Path(__file__).resolve().parents[1]
REAL_ENGINE = shutil.which("espeak-ng")
SCENES = "tests.scenes_for_tests.narrated"

WRAPPER = """#!{python}
import math, os, struct, sys, wave
with open(os.environ["VOICE_LOG"], "a") as log:
    log.write(" ".join(sys.argv[1:]) + "\\n")
real = os.environ.get("REAL_ESPEAK")
if real:
    os.execv(real, [real, *sys.argv[1:]])
if sys.argv[1:] == ["--version"]:
    print("stand-in espeak-ng 0")
    sys.exit(0)
args = sys.argv[1:]
out, wpm = args[args.index("-w") + 1], int(args[args.index("-s") + 1])
words = len(sys.stdin.read().split())
rate = 22050
n = int(rate * words * 60 / wpm)
with wave.open(out, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
    w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i * 0.125))) for i in range(n)))
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """(environment with the wrapper first on PATH, log file)."""
    folder = tmp_path_factory.mktemp("engine")
    wrapper = folder / "espeak-ng"
    wrapper.write_text(WRAPPER.format(python=sys.executable))
    wrapper.chmod(0o755)
    log = folder / "calls.log"
    log.write_text("")
    env = {**os.environ, "GDANIM_SCENE_MODULES": SCENES, "PYTHONPATH": str(ROOT),
           "PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}", "VOICE_LOG": str(log)}
    if REAL_ENGINE:
        env["REAL_ESPEAK"] = REAL_ENGINE
    return env, log


def gdanim(env, *args, check=0):
    done = subprocess.run([sys.executable, "-m", "gdanim", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == check, done.stdout + done.stderr
    return done


def syntheses(log: Path) -> int:
    return sum(" -w " in f" {line} " for line in log.read_text().splitlines())


def read_cues(srt: Path) -> list[Cue]:
    return cues_from_subtitles(srt.read_text())


def decode_audio(mp4: Path, target: Path) -> tuple[np.ndarray, int]:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(mp4),
                    "-map", "0:a", "-ac", "1", str(target)], check=True)
    with wave.open(str(target)) as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(float)
        return samples, w.getframerate()


def streams(path: Path) -> list[str]:
    done = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                          capture_output=True, text=True)
    return re.findall(r"Stream #\S+.*?: (Video|Audio): (\w+)", done.stderr)


@pytest.fixture(scope="module")
def voiced(engine, tmp_path_factory):
    """The same scene rendered silent, then voiced, into one output folder."""
    env, log = engine
    out = tmp_path_factory.mktemp("media")
    gdanim(env, "render", "Narrated", "--quality", "tiny", "--out", str(out))
    assert streams(out / "tiny" / "Narrated.mp4") == [("Video", "h264")]  # default: silent
    silent = read_cues(out / "tiny" / "Narrated.srt")
    silent_seconds = imageio_ffmpeg.count_frames_and_secs(str(out / "tiny" / "Narrated.mp4"))[1]
    assert syntheses(log) == 0  # a default render never touches the engine
    done = gdanim(env, "render", "Narrated", "--quality", "tiny", "--out", str(out), "--voice")
    assert "rendered" in done.stdout  # --voice is part of the cache key: not the silent output
    return out, silent, silent_seconds


def test_speech_extends_beats_and_clips_start_at_cues(voiced, engine, monkeypatch):
    out, silent, silent_seconds = voiced
    env, log = engine
    from gdanim.voice import Voice

    for key in ("PATH", "VOICE_LOG", "REAL_ESPEAK"):  # the same engine as the render's
        if key in env:
            monkeypatch.setenv(key, env[key])
    voice = Voice(out / ".cache" / "voice")
    cues = read_cues(out / "tiny" / "Narrated.srt")
    assert [c.text for c in cues] == [c.text for c in silent]
    frame = 1 / 5  # tiny quality runs at 5 fps
    for cue, before in zip(cues, silent):
        speech = voice.seconds(cue.text)  # clip length + pad, from the cache
        assert cue.end - cue.start >= speech - frame, cue
        assert cue.end - cue.start >= before.end - before.start - frame  # never shorter than reading
    assert voice.synthesized == 0  # every clip was already cached by the render
    title, caption, takeaway = cues
    assert title.end - title.start > silent[0].end - silent[0].start + 0.5  # speech held the title longer
    video_seconds = imageio_ffmpeg.count_frames_and_secs(str(out / "tiny" / "Narrated.mp4"))[1]
    assert video_seconds > silent_seconds + 1.0

    samples, rate = decode_audio(out / "tiny" / "Narrated.mp4", out / "decoded.wav")

    def loud(a, b):
        window = samples[int(a * rate):int(b * rate)]
        return np.sqrt(np.mean(window ** 2))

    for cue in cues:  # speech right after each cue starts
        assert loud(cue.start + 0.05, cue.start + 0.6) > 300, cue
    gap = (title.end, caption.start)  # no cue, so no speech
    assert gap[1] - gap[0] > 0.5 and loud(gap[0] + 0.05, gap[1] - 0.05) < 50


def test_mp4_has_one_audio_track_as_long_as_the_video(voiced):
    out, _, _ = voiced
    mp4 = out / "tiny" / "Narrated.mp4"
    assert streams(mp4) == [("Video", "h264"), ("Audio", "aac")]
    frames, video_seconds = imageio_ffmpeg.count_frames_and_secs(str(mp4))
    samples, rate = decode_audio(mp4, out / "decoded2.wav")
    assert len(samples) / rate == pytest.approx(video_seconds, abs=0.05)
    entry = json.loads((out / "manifest.json").read_text())["outputs"]["tiny/Narrated"]
    assert entry["duration"] == pytest.approx(video_seconds, abs=0.01)


def test_cached_clips_are_reused(voiced, engine):
    out, _, _ = voiced
    env, log = engine
    clips = sorted((out / ".cache" / "voice").glob("*.wav"))
    assert len(clips) == 3  # title, caption, takeaway
    made = syntheses(log)
    assert made == 3
    stamps = [p.stat().st_mtime_ns for p in clips]
    done = gdanim(env, "render", "Narrated", "--quality", "tiny", "--out", str(out), "--voice", "--force")
    assert "rendered" in done.stdout
    assert syntheses(log) == made  # nothing synthesised again
    assert [p.stat().st_mtime_ns for p in sorted((out / ".cache" / "voice").glob("*.wav"))] == stamps
    done = gdanim(env, "render", "Narrated", "--quality", "tiny", "--out", str(out), "--voice")
    assert "cached" in done.stdout


def test_without_the_engine_voice_fails_up_front(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "GDANIM_SCENE_MODULES": SCENES, "PYTHONPATH": str(ROOT), "PATH": str(empty)}
    out = tmp_path / "media"
    done = gdanim(env, "render", "Narrated", "--quality", "tiny", "--out", str(out), "--voice", check=2)
    assert done.stderr.strip().splitlines() == [
        "Error: --voice needs the offline speech engine espeak-ng: apt-get install espeak-ng "
        "(or GDANIM_VOICE=1 bash scripts/setup.sh)"]
    assert not out.exists()


def test_import_gdanim_stays_light():
    code = "import sys, gdanim, gdanim.voice; print(any(m.startswith(('manim', 'numpy')) for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "False", done.stderr
