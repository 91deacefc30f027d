"""Web loops and posters for course pages: muted looping videos and one still, cut from a render.

A course page plays ``<video autoplay muted loop playsinline poster=...>`` with a WebM source and
an MP4 fallback: both are encoded here from the render's lossless frames, at the web width, with
no audio (autoplay needs none, and a loop must not stutter on a sound track). The poster is one
representative frame (never the blank first one) as a PNG. ffmpeg (the bundled one) only.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import NamedTuple

from gdanim.render import frame_rate, frame_size, probe, run_ffmpeg
from gdanim.subtitles import CardCue

WEB_MAX_FPS = 30  # loops asked for no frame rate keep the render's, up to this
# Chosen by measurement against the lossless frames (scripts/bench_web.py --sweep, README): AV1
# with full-resolution colour (4:4:4, AV1's High profile) keeps thin coloured paths and text as
# sharp as the GIF's palette does, at a tenth of its bytes; every 4:2:0 encode (VP9, AV1, H.264)
# halves the colour resolution and stays below the GIF's PSNR at any bitrate. Lessons are screen
# content (flat background, lines, text): libaom's screen tools (palette, intra copy) save ~20%.
# cpu-used 2 and crf 35 (not 6 and 32): BatchVsStochastic 15% smaller for 0.2 dB, and every scene
# within 15% of its GIF's bytes and above its PSNR (no single crf at cpu-used 4-6 does both for
# BatchVsStochastic and LandscapeTour); it encodes ~4x slower, about real time at 480 px. 8-bit:
# browsers show a 10-bit AV1 ~1.5 dB worse than ffmpeg decodes it (their own 10-to-8-bit step).
WEBM_CODEC = ["-c:v", "libaom-av1", "-pix_fmt", "yuv444p", "-crf", "35", "-b:v", "0", "-cpu-used", "2",
              "-row-mt", "1", "-aom-params", "tune-content=screen"]
# H.264 4:2:0 for browsers without AV1 4:4:4 (Safari): plays everywhere; moov first. veryslow
# with animation tuning: a fifth smaller than "slow" at the same PSNR, still seconds at 480 px
LOOP_CODEC = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "28", "-preset", "veryslow", "-tune", "animation",
              "-movflags", "+faststart"]
POSTER_MARGIN = 0.1  # seconds before a beat's end: its picture complete, the caption not fading yet
TIE = 0.05  # beats this close in length are equally long (float noise; a .vtt keeps milliseconds)


def _scale(width: int | None) -> str:
    """The filter taking frames to ``width`` px (never upscaled; even height, as 4:2:0 needs)."""
    size = f"'min({width},iw)'" if width else "iw"  # quoted: a comma would end the filter
    return f"scale={size}:-2:flags=lanczos"


def _web_filters(source: Path, width: int | None, fps: int | None) -> str:
    """Frame rate (``fps``, else WEB_MAX_FPS; never above the source's), then width."""
    return f"fps={min(fps or WEB_MAX_FPS, frame_rate(source)):g},{_scale(width)}"


def encode(source: Path, target: Path, codec: list[str], width, fps) -> Path:
    """``source`` at ``fps`` and ``width`` as ``codec`` says, muted; bit-exact (no random
    container IDs or dates): the same frames always give the same file."""
    run_ffmpeg("-i", str(source), "-vf", _web_filters(source, width, fps),
               *codec, "-an", "-sn", "-map_metadata", "-1", "-fflags", "+bitexact", str(target))
    return target


def encode_webm(source: Path, target: Path, *, width: int | None, fps: int | None = None) -> Path:
    """A muted AV1 (4:4:4) WebM loop of ``source`` at ``width`` px (a clip cuts its frames first:
    gdanim.clips.exact_frames)."""
    return encode(source, target, WEBM_CODEC, width, fps)


def encode_loop_mp4(source: Path, target: Path, *, width: int | None, fps: int | None = None) -> Path:
    """A muted H.264 (yuv420p) MP4 loop with its moov atom first, so it starts before it is loaded."""
    return encode(source, target, LOOP_CODEC, width, fps)


def write_poster(source: Path, target: Path, at: float, *, width: int | None = None) -> Path:
    """The frame of ``source`` shown at ``at`` seconds (scaled to ``width`` px if given) as a
    still: PNG, lossless and usable everywhere (web pages, slides, LaTeX handouts)."""
    frames, seconds = probe(source)
    fps = frames / seconds if seconds else frame_rate(source)
    run_ffmpeg("-ss", f"{seek_time(at, fps, frames):.4f}", "-i", str(source), "-vf", _scale(width), "-frames:v", "1",
            "-update", "1", "-pred", "mixed", str(target))  # per-row PNG filters: 4% smaller
    return target


def seek_time(seconds: float, fps: float, frames: int) -> float:
    """An ffmpeg input seek (-ss) that starts at the frame shown at ``seconds``: ffmpeg keeps
    the first frame whose timestamp is >= the seek, so seek half a frame before that frame
    (a plain -ss took the next frame, and none at all inside the last one)."""
    shown = min(max(math.floor(seconds * fps + 1e-6), 0), frames - 1)
    return max(shown - 0.5, 0) / fps


def poster_time(cues: list, duration: float) -> float:
    """When a poster should be taken: the end of the longest caption beat (its picture drawn,
    its caption still up), else the middle of the video. Title and takeaway cards are skipped:
    a title is not the lesson, and the takeaway dims it."""
    captions = [c for c in cues if not isinstance(c, CardCue)] or list(cues)
    if not captions:
        return duration / 2
    top = max(c.end - c.start for c in captions)
    longest = next(c for c in captions if c.end - c.start >= top - TIE)  # the first, of equals
    return min(max(longest.end - POSTER_MARGIN, longest.start, 0.0), max(duration - POSTER_MARGIN, 0.0))


class Psnr(NamedTuple):
    """Peak signal-to-noise ratios in dB (inf: identical)."""

    rgb: float  # over the red, green and blue values: colour errors count (e.g. 4:2:0's halved colour)
    luma: float  # over brightness (BT.601 Y) only: detail and edges, what 4:2:0 keeps whole


def psnr(video: Path, reference: Path, fps: float) -> Psnr:
    """How true ``video`` (a web encode) is to ``reference`` (the lossless render), all frames
    pooled, with the reference resampled to ``fps`` and scaled to ``video``'s size the way the
    encoders do. Both streams go through the same ``fps`` filter, so a GIF's centisecond frame
    delays line up with the reference's frames."""
    import imageio_ffmpeg
    import numpy as np

    width, height = frame_size(video)
    ours = imageio_ffmpeg.read_frames(str(video), output_params=["-vf", f"fps={fps:g}"])
    truth = imageio_ffmpeg.read_frames(
        str(reference), output_params=["-vf", f"fps={fps:g},scale={width}:{height}:flags=lanczos"])
    next(ours), next(truth)  # metadata
    luma_weights = np.array([0.299, 0.587, 0.114])
    squared, luma_squared, count = 0.0, 0.0, 0
    for a, b in zip(ours, truth, strict=True):
        diff = (np.frombuffer(a, np.uint8).astype(np.float64) - np.frombuffer(b, np.uint8)).reshape(-1, 3)
        squared += float(np.einsum("ij,ij->", diff, diff))
        luma = diff @ luma_weights
        luma_squared += float(luma @ luma)
        count += len(diff)
    return Psnr(*(10 * math.log10(255**2 * count / total) if total else math.inf
                  for total in (squared / 3, luma_squared)))


def source_type(video: Path) -> str:
    """The ``type`` of a ``<source>`` for ``video``, codec included (RFC 6381), e.g.
    ``video/webm; codecs="av01.1.00M.08"``: a browser that cannot decode it (Safari and AV1's
    4:4:4 High profile) then skips to the next source (the loop MP4) instead of failing on it."""
    import av

    with av.open(str(video)) as container:
        config = bytes(container.streams.video[0].codec_context.extradata or b"")
        kind = "webm" if "webm" in container.format.name else "mp4"
    if len(config) >= 3 and config[0] == 0x81:  # AV1CodecConfigurationRecord (av1C)
        profile, level, tier = config[1] >> 5, config[1] & 0x1F, config[2] >> 7
        depth = 12 if config[2] & 0x20 else 10 if config[2] & 0x40 else 8
        return f'video/{kind}; codecs="av01.{profile}.{level:02d}{"HM"[tier == 0]}.{depth:02d}"'
    if len(config) >= 4 and config[0] == 0x01:  # AVCDecoderConfigurationRecord (avcC)
        return f'video/{kind}; codecs="avc1.{config[1:4].hex().upper()}"'
    return f"video/{kind}"
