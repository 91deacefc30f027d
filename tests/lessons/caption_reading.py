"""Reading numbers back out of captions, for the claim tests: the inverse of gdanim.wording,
written here on its own so that a formatting slip in a plan shows up as a failed claim."""

import re

NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
NUM = r"−?\d+(?:\.\d+)?(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?"  # a number as captions print it: 43.7, −2, 1.1×10⁻⁴


def count_of(text: str) -> int:
    """'three' -> 3, 'No' -> 0, '12' -> 12, 'once' -> 1, 'twice' -> 2."""
    word = text.lower()
    if word in ("once", "twice"):
        return 1 if word == "once" else 2
    return NUMBER_WORDS.index(word) if word in NUMBER_WORDS else int(word)


def number_of(text: str) -> float:
    """'1.1×10⁻⁴' -> 0.00011, '−2' -> -2.0, '43.7' -> 43.7."""
    text = text.replace("−", "-")
    if "×10" in text:
        mantissa, exponent = text.split("×10")
        return float(mantissa) * 10.0 ** int(exponent.translate(SUPERSCRIPT))
    return float(text)


def numbers_in(text: str) -> list[str]:
    """Every number a caption prints, as printed."""
    return re.findall(NUM, text)
