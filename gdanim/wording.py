"""How names, numbers and points read in captions: one place, so every lesson says "AdaGrad",
"(−1.2, 1)", "‖∇L‖" and "1.1×10¹³" the same way, and every caption fits its two lines.

Plain text, no manim: lesson plans build their sentences with these.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np

NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
GRAD_NORM = "‖∇L‖"  # the gradient norm, in captions, cards and panels alike
# how a run ended (the engine's stop_reason), in the video HUD's and the explorer's words
STATUS_LABELS = {"converged_grad": "converged", "converged_loss": "converged",
                 "diverged": "diverged", "max_steps": "max steps"}
CAPTION_CHARS = 62  # per line: two lines of this stay readable at 854x480
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
UNSUPERSCRIPTS = {v: k for k, v in SUPERSCRIPTS.items()}
# every character sci, rate and point write: panels drawing numbers from cached glyphs need them all
NUMBER_CHARS = "0123456789.,()−×" + "-0123456789".translate(SUPERSCRIPTS)


def optimizer_name(name: str) -> str:
    """The name a caption uses for an optimizer: its spec's title (torch's spelling: RMSprop)."""
    from gdanim.optimizers import OPTIMIZERS

    spec = OPTIMIZERS.get(name)
    return spec.title if spec is not None else name


def landscape_name(land) -> str:
    """'Rosenbrock', 'Six-hump camel': the landscape's title, as headings and captions write it."""
    return land.title


def number_word(n: int, capital: bool = False) -> str:
    """'three' for 3 (digits from 11 on), capitalised to start a sentence."""
    word = NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)
    return word[0].upper() + word[1:] if capital else word


def count(n: int, noun: str, capital: bool = False, plural: str | None = None) -> str:
    """'one run', 'three runs', 'no runs'."""
    word = noun if n == 1 else (plural or noun + "s")
    return f"{number_word(n, capital)} {word}"


def signed(value: float, fmt: str = "g") -> str:
    """A number with a typographic minus sign."""
    return format(value, fmt).replace("-", "−")


def point(xy, digits: int | None = None) -> str:
    """'(−1.2, 1)': a point as captions print it, exactly, or each coordinate to ``digits``
    significant figures as ``sci`` prints it ('(3.4×10⁻⁷, −1.3)')."""
    return "(" + ", ".join(signed(float(v), "g") if digits is None else sci(float(v), digits) for v in xy) + ")"


def rate(lr: float) -> str:
    """'α = 0.01', 'α = 0.00004': a learning rate exactly as the run used it (6 figures), in
    decimals down to 1e-5 (a lecture reads 0.0005 more easily than 5×10⁻⁴)."""
    return "α = " + rate_value(lr)


def rate_value(lr: float) -> str:
    """'0.01': the number ``rate`` writes after 'α = ', for panels that label it themselves."""
    value = float(f"{lr:.6g}")
    if 1e-5 <= abs(value) < 1e4:
        return np.format_float_positional(value, trim="-").replace("-", "−")
    return sci(value, 6)


def superscript(n: int) -> str:
    return str(n).translate(SUPERSCRIPTS)


def sci(value: float, digits: int = 2) -> str:
    """``value`` to ``digits`` significant figures: plain from 0.001 to 9999 (162, 43.7, 0.0025),
    else '1.1×10¹³'; the range is decided after rounding, so 9999.7 reads '1×10⁴'. Captions and
    panels alike print numbers with it (panels keep their width by padding, not by figures)."""
    if value == 0 or not math.isfinite(value):
        return signed(value, "g")
    rounded = float(f"{value:.{digits - 1}e}")
    if 1e-3 <= abs(rounded) < 1e4:
        decimals = max(digits - 1 - math.floor(math.log10(abs(rounded))), 0)
        text = format(rounded, f".{decimals}f")
        return signed(float(text), "g") if decimals else text.replace("-", "−")
    mantissa, exponent = f"{rounded:.{digits - 1}e}".split("e")
    return f"{signed(float(mantissa), 'g')}×10{superscript(int(exponent))}"


def tex(number: str) -> str:
    """A number as ``sci`` wrote it, for MathTex: '2.5×10⁻⁶' -> '2.5 \\times 10^{-6}', the same
    figures in a formula as in the caption beside it."""
    head, times, power = number.partition("×10")
    head = head.replace("−", "-")
    if not times:
        return head
    return rf"{head} \times 10^{{{power.translate(UNSUPERSCRIPTS)}}}"


def wrap_caption(text: str, width: int = CAPTION_CHARS) -> str:
    """Wrap to at most two lines; longer narration must be split into more beats."""
    lines = textwrap.wrap(" ".join(text.split()), width)
    if len(lines) > 2:
        raise ValueError(f"caption needs {len(lines)} lines (max 2 of {width} characters); "
                         f"split it into two beats: {text[:50]!r}...")
    return "\n".join(lines)


def fits(text: str) -> bool:
    """Whether ``text`` fits one caption (two lines)."""
    try:
        wrap_caption(text)
    except ValueError:
        return False
    return True


def pack_captions(parts: list[str]) -> list[str]:
    """Join sentences into as few captions as fit two lines each (each part must fit alone)."""
    captions: list[str] = []
    for part in parts:
        if not fits(part):
            raise ValueError(f"caption piece too long for two lines: {part!r}")
        joined = f"{captions[-1]} {part}" if captions else part
        if captions and fits(joined):
            captions[-1] = joined
        else:
            captions.append(part)
    return captions


def listing(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def times(n: int) -> str:
    """How often, in words: 'once', 'twice', 'three times', '12 times' (n >= 1)."""
    return {1: "once", 2: "twice"}.get(n, f"{number_word(n)} times")


def capitalized(text: str) -> str:
    """``text`` with its first letter upper-cased to start a sentence ('momentum's step' ->
    'Momentum's step'); the rest is kept as is (unlike str.capitalize: 'RMSprop' stays)."""
    return text[:1].upper() + text[1:]
