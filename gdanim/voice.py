"""Offline narration: caption text -> speech clips, cached by content, mixed into one track.

The engine is espeak-ng (Debian package ``espeak-ng``), run as a command: offline, a few
milliseconds per sentence, byte-identical output for the same text and settings. It is looked
up only when a voice is asked for, so ``import gdanim`` stays light and default renders never
need it. No manim here: scenes ask ``Voice.seconds(text)`` to time their beats, the renderer
asks ``Voice.track(cues, seconds, path)`` for the audio to mux.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

ENGINE = "espeak-ng"
INSTALL_HINT = ("--voice needs the offline speech engine espeak-ng: apt-get install espeak-ng "
                "(or GDANIM_VOICE=1 bash scripts/setup.sh)")


class VoiceUnavailable(RuntimeError):
    """The speech engine is not installed; the message says how to install it."""


@dataclass(frozen=True)
class VoiceSettings:
    """How the narration sounds and how long a beat waits after its speech."""

    voice: str = "en-us"
    words_per_minute: int = 150  # lecture pace; espeak-ng's own default (175) rushes
    pad: float = 0.3  # seconds of quiet after a clip before its caption may end


def engine_path() -> str:
    """The espeak-ng executable on PATH, or VoiceUnavailable with the install line."""
    path = shutil.which(ENGINE)
    if path is None:
        raise VoiceUnavailable(INSTALL_HINT)
    return path


@functools.lru_cache(maxsize=None)
def engine_version(path: str) -> str:
    done = subprocess.run([path, "--version"], capture_output=True, text=True)
    if done.returncode != 0:
        raise VoiceUnavailable(f"{path} --version failed; reinstall it: "
                               "apt-get install --reinstall espeak-ng")
    return done.stdout.strip()


def voice_key(settings: VoiceSettings = VoiceSettings()) -> dict:
    """What shapes the audio and the beat timing: part of a render's cache key."""
    return {"engine": engine_version(engine_path()), **asdict(settings)}


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


class Voice:
    """Speaks caption text into WAV clips under ``cache_dir`` (one file per text + settings)."""

    def __init__(self, cache_dir: Path, settings: VoiceSettings = VoiceSettings()):
        self.settings = settings
        self.cache_dir = Path(cache_dir)
        self.exe = engine_path()
        self.version = engine_version(self.exe)
        self.synthesized = 0  # clips made by this object (cache misses)

    def clip(self, text: str) -> Path:
        """The clip speaking ``text``: from the cache, or synthesised and cached atomically."""
        text = " ".join(text.split())
        blob = {"text": text, "engine": self.version, "voice": self.settings.voice,
                "wpm": self.settings.words_per_minute}
        digest = hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()[:32]
        path = self.cache_dir / f"{digest}.wav"
        if path.is_file():
            return path
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".wav", dir=self.cache_dir)
        os.close(fd)
        try:
            cmd = [self.exe, "-v", self.settings.voice, "-s", str(self.settings.words_per_minute),
                   "-w", tmp, "--stdin"]
            done = subprocess.run(cmd, input=text, capture_output=True, text=True)
            if done.returncode != 0 or os.path.getsize(tmp) == 0:
                raise RuntimeError(f"espeak-ng failed on {text[:40]!r}: {done.stderr.strip()[:200]}")
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        self.synthesized += 1
        return path

    def seconds(self, text: str) -> float:
        """How long a beat showing ``text`` must last: its speech plus the pad."""
        return wav_seconds(self.clip(text)) + self.settings.pad

    def track(self, cues, seconds: float, target: Path) -> Path:
        """One mono WAV of exactly ``seconds``: each cue's clip starting at the cue's start."""
        import numpy as np

        clips = [(cue.start, self.clip(cue.text)) for cue in cues]
        rate = None
        pieces = []
        for start, path in clips:
            with wave.open(str(path)) as w:
                if w.getnchannels() != 1 or w.getsampwidth() != 2:
                    raise RuntimeError(f"{path}: expected 16-bit mono speech")
                if rate is not None and w.getframerate() != rate:
                    raise RuntimeError(f"{path}: sample rate {w.getframerate()} differs from {rate}")
                rate = w.getframerate()
                pieces.append((start, np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")))
        rate = rate or 22050
        mix = np.zeros(int(round(seconds * rate)), dtype=np.int32)
        for start, samples in pieces:
            at = int(round(max(start, 0.0) * rate))
            samples = samples[: max(len(mix) - at, 0)]
            mix[at:at + len(samples)] += samples
        with wave.open(str(target), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(np.clip(mix, -32768, 32767).astype("<i2").tobytes())
        return target
