"""How numbers, points and optimizer names read in captions: one place, so every lesson says
"AdaGrad" and "(−1.2, 1)" the same way. Plain text, no manim."""

from __future__ import annotations

OPTIMIZER_NAMES = {"gd": "GD", "sgd": "SGD", "momentum": "momentum", "nesterov": "Nesterov",
                   "adagrad": "AdaGrad", "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW"}
NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def optimizer_name(name: str) -> str:
    """The name a caption uses for an optimizer (torch's spelling: RMSprop, AdaGrad)."""
    return OPTIMIZER_NAMES.get(name, name)


def number_word(n: int, capital: bool = False) -> str:
    """'three' for 3 (digits from 11 on), capitalised to start a sentence."""
    word = NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)
    return word.capitalize() if capital else word


def signed(value: float, fmt: str = "g") -> str:
    """A number with a typographic minus sign."""
    return format(value, fmt).replace("-", "−")


def point(xy, fmt: str = "g") -> str:
    """'(−1.2, 1)': a point as captions print it."""
    return "(" + ", ".join(signed(v, fmt) for v in xy) + ")"


LANDSCAPE_NAMES = {"six_hump_camel": "Six-hump camel", "goldstein_price": "Goldstein-Price"}


def landscape_name(name: str) -> str:
    """'Rosenbrock', 'Six-hump camel': a landscape's registry name as a heading reads it."""
    return LANDSCAPE_NAMES.get(name, name.replace("_", " ").capitalize())
