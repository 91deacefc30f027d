"""`gdanim render --end-card`: a closing card with the clip's parameters, gdanim's version and
the command that regenerates it; it lengthens the video by its fade-in and hold and is part of
the cache key."""

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg
import pytest
from manim import Text, config

from gdanim import __version__
from gdanim.config import as_dict, build_params, parse_override
from gdanim.render import OutputSettings, cli_flags
from gdanim.config import regenerate_command, toml_value, wrap_command
from gdanim.visual.end_card import HOLD_SECONDS, EndCard
from gdanim.visual.lesson import FADE

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.scenes_for_tests.narrated import NarratedParams  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "GDANIM_SCENE_MODULES": "tests.scenes_for_tests.narrated", "PYTHONPATH": str(ROOT)}


def texts(mobject) -> str:
    return "\n".join(m.original_text for m in mobject.get_family() if isinstance(m, Text))


def test_card_lists_every_parameter_and_a_command_that_rebuilds_them():
    params = as_dict(NarratedParams(landscape="rosenbrock", optimizers=["adam", "rmsprop"], lr=0.003, seed=42))
    defaults = as_dict(NarratedParams())
    command = regenerate_command("Narrated", params, defaults, ["--quality", "low", "--end-card"])
    card = EndCard("Narrated", params, __version__, command)
    shown = texts(card)
    for name, value in [("landscape", "rosenbrock"), ("optimizers", "[adam, rmsprop]"), ("lr", "0.003"),
                        ("seed", "42"), ("seconds", "0.6")]:
        assert any(line.split() == [name, *value.split()] for line in shown.splitlines()), (name, shown)
    assert "Narrated" in shown and f"gdanim {__version__}" in shown
    assert "\n".join(card.command_lines) in shown
    # the command, typed as shown, sets exactly the non-default values back
    words = shlex.split(" ".join(line.removesuffix(" \\") for line in card.command_lines))
    assert words[:6] == ["gdanim", "render", "Narrated", "--quality", "low", "--end-card"]
    sets = [parse_override(words[i + 1]) for i, w in enumerate(words) if w == "--set"]
    assert {k for _, k, _ in sets} == {"landscape", "optimizers", "lr", "seed"}
    rebuilt = build_params(NarratedParams, {k: v for _, k, v in sets})
    assert as_dict(rebuilt) == params


def test_values_round_trip_through_toml():
    for value in ["valley", "true", "two words", 1e-05, 3, True, [0.1, 2], {"adam": 0.1, "gd": [1, 2]}, [[1.0, 2.0]]]:
        assert parse_override(f"S.k={toml_value(value)}")[2] == value, value


def test_a_big_card_fits_the_frame():
    params = {f"parameter_{i}": [0.5] * i for i in range(16)}
    params["parameter_15"] = [0.123456789] * 12  # one long value
    card = EndCard("SomeLongSceneName", params, "0.1.0",
                   regenerate_command("SomeLongSceneName", params, {}, ["--quality", "low"]))
    content = card[1]
    assert content.width <= config.frame_width - 1.0 + 1e-6 and content.height <= config.frame_height - 1.0 + 1e-6
    grid = content[1]
    assert len(grid) == 2 and grid.height < 0.5 * config.frame_height  # two columns of eight
    assert all(len(v) <= 34 for _, v in card.rows)  # long values shortened on the card
    assert card.rows[15] == ("parameter_15", "[0.123456789, 0.123456789, 0.1234…")


def test_wrapped_command_keeps_options_with_their_values():
    lines = wrap_command("gdanim render Scene --quality low --set Scene.a=1 --set Scene.b=2 --end-card", 32)
    assert lines == ["gdanim render Scene \\", "--quality low --set Scene.a=1 \\",
                     "--set Scene.b=2 --end-card"]


def test_cli_flags_name_what_shaped_the_output():
    assert cli_flags(OutputSettings(quality="low")) == ["--quality", "low"]
    assert cli_flags(OutputSettings(quality="high", formats=("mp4", "gif"), gif_width=320, burn_captions=True,
                                    voice=True, end_card=True)) == [
        "--quality", "high", "--format", "both", "--gif-width", "320", "--burn-captions", "--voice", "--end-card"]


def gdanim(*args):
    done = subprocess.run([sys.executable, "-m", "gdanim", *args], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_end_card_lengthens_the_video_and_is_in_the_cache_key(tmp_path):
    out = tmp_path / "media"
    mp4 = out / "tiny" / "Narrated.mp4"
    gdanim("render", "Narrated", "--quality", "tiny", "--out", str(out))
    plain_seconds = imageio_ffmpeg.count_frames_and_secs(str(mp4))[1]
    plain_key = json.loads((out / "manifest.json").read_text())["outputs"]["tiny/Narrated"]["key"]
    srt = (out / "tiny" / "Narrated.srt").read_text()
    done = gdanim("render", "Narrated", "--quality", "tiny", "--out", str(out), "--end-card")
    assert "rendered" in done.stdout and "cached" not in done.stdout
    carded_seconds = imageio_ffmpeg.count_frames_and_secs(str(mp4))[1]
    assert carded_seconds - plain_seconds == pytest.approx(FADE + HOLD_SECONDS, abs=0.21)  # one frame at 5 fps
    entry = json.loads((out / "manifest.json").read_text())["outputs"]["tiny/Narrated"]
    assert entry["key"] != plain_key
    assert (out / "tiny" / "Narrated.srt").read_text() == srt  # the card adds no cue
    assert "cached" in gdanim("render", "Narrated", "--quality", "tiny", "--out", str(out), "--end-card").stdout
