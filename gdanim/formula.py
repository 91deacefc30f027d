"""Safe parsing of user formulas f(x, y) into sympy, for custom landscapes.

User text is never eval'd: it is parsed with ``ast`` and rebuilt node by node from a
whitelist, so only arithmetic on x, y, numbers and a few functions can get through.
"""

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy

X, Y = sympy.symbols("x y", real=True)

CONSTANTS = {"x": X, "y": Y, "pi": sympy.pi, "e": sympy.E}
FUNCTIONS = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "exp": sympy.exp,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "tanh": sympy.tanh,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "arctan": sympy.atan,
    "atan": sympy.atan,
}
# str(expr) prints E and Abs, so these must parse too for a normalised formula to round-trip.
NAMES = CONSTANTS | {"E": sympy.E}
CALLABLES = FUNCTIONS | {"Abs": sympy.Abs}
BINARY_OPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}
UNARY_OPS = {ast.UAdd: lambda a: a, ast.USub: lambda a: -a}
NODE_DESCRIPTIONS = {
    ast.Lambda: "lambda",
    ast.IfExp: "a conditional expression",
    ast.Compare: "a comparison",
    ast.BoolOp: "and/or",
    ast.Subscript: "subscripting",
    ast.Attribute: "attribute access",
}

MAX_FORMULA_LENGTH = 500
# Exact integer powers such as 9**9**9 would hang sympy; cap the size of their result.
MAX_EXACT_POWER_BITS = 4096

ALLOWED = "a formula may use x, y, numbers, pi, e, + - * / ** and the functions " + ", ".join(sorted(FUNCTIONS))


@dataclass(frozen=True, eq=False)
class Formula:
    """A parsed formula with its vectorised value and analytic gradient on (..., 2) arrays."""

    expr: sympy.Expr
    text: str
    latex: str
    value: Callable[[np.ndarray], np.ndarray]
    gradient: Callable[[np.ndarray], np.ndarray]


def _reject(what: str) -> ValueError:
    return ValueError(f"{what} is not allowed: {ALLOWED}")


def _number(value) -> sympy.Expr:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _reject(f"the literal {value!r}")
    if isinstance(value, int):
        return sympy.Integer(value)
    if not math.isfinite(value):
        raise ValueError(f"formula contains a number that overflows a float ({value!r})")
    return sympy.Float(value)


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    if base.is_Rational and exponent.is_Rational:
        bits = max(base.p.bit_length(), base.q.bit_length())
        if abs(exponent) * bits > MAX_EXACT_POWER_BITS:
            raise ValueError(f"formula contains a numeric power too large to compute ({base}**{exponent})")
    return base**exponent


def _build(node: ast.AST, source: str) -> sympy.Expr:
    """Translate one whitelisted ast node into sympy; anything else raises ValueError."""
    snippet = ast.get_source_segment(source, node)
    if isinstance(node, ast.Constant):
        return _number(node.value)
    if isinstance(node, ast.Name):
        if node.id in NAMES:
            return NAMES[node.id]
        raise _reject(f"the name {node.id!r}")
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.BitXor):
            raise _reject("'^' (write powers as **)")
        if type(node.op) not in BINARY_OPS:
            raise _reject(f"the operator in {snippet!r}")
        left, right = _build(node.left, source), _build(node.right, source)
        if isinstance(node.op, ast.Pow):
            return _power(left, right)
        return BINARY_OPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp):
        if type(node.op) not in UNARY_OPS:
            raise _reject(f"the operator in {snippet!r}")
        return UNARY_OPS[type(node.op)](_build(node.operand, source))
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in CALLABLES:
            raise _reject(f"calling {ast.get_source_segment(source, node.func)!r}")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise _reject(f"{snippet!r} (functions take exactly one plain argument)")
        return CALLABLES[node.func.id](_build(node.args[0], source))
    description = NODE_DESCRIPTIONS.get(type(node), type(node).__name__)
    raise _reject(f"{description} ({snippet!r})")


def parse_formula(text: str) -> sympy.Expr:
    """Parse user text into a real sympy expression in x and y without ever evaluating it."""
    if not isinstance(text, str):
        raise ValueError(f"formula must be a string, got {type(text).__name__}")
    if len(text) > MAX_FORMULA_LENGTH:
        raise ValueError(f"formula is too long ({len(text)} characters, at most {MAX_FORMULA_LENGTH})")
    source = text.strip()
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"formula {text!r} is not a valid expression: {exc.msg}") from None
    expr = _build(tree.body, source)
    if expr.has(sympy.I, sympy.zoo, sympy.oo, sympy.S.NegativeInfinity, sympy.nan):
        raise ValueError(f"formula {text!r} is not finite and real (it simplifies to {expr})")
    return expr


def compile_formula(text: str) -> Formula:
    """Parse a formula and vectorise it and its symbolic gradient with numpy."""
    expr = parse_formula(text)
    value_fn = sympy.lambdify((X, Y), expr, modules="numpy")
    gradient_fn = sympy.lambdify((X, Y), (sympy.diff(expr, X), sympy.diff(expr, Y)), modules="numpy", cse=True)

    def value(xy: np.ndarray) -> np.ndarray:
        out = np.empty(xy.shape[:-1])
        out[...] = value_fn(xy[..., 0], xy[..., 1])  # assignment broadcasts constant results
        return out

    def gradient(xy: np.ndarray) -> np.ndarray:
        out = np.empty(xy.shape)
        out[..., 0], out[..., 1] = gradient_fn(xy[..., 0], xy[..., 1])
        return out

    return Formula(expr=expr, text=str(expr), latex=sympy.latex(expr), value=value, gradient=gradient)
