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

from gdanim.config import brief

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
MAX_NODES = 200  # syntax-tree nodes (names, numbers, operations, calls); 500 characters hold about 250
MAX_DEPTH = 40  # nesting (a sum of n terms nests n deep): sympy recurses per level; x**x**...**x broke it
# The value is plotted as float64: a number beyond its range is inf. Exact powers such as 9**9**9
# would also hang sympy, so their size is estimated before computing them.
MAX_FLOAT_BITS = 1024

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
        raise _reject(f"the literal {brief(value)}")
    if isinstance(value, int):
        if value.bit_length() > MAX_FLOAT_BITS:
            raise _overflow(f"the number {brief(value)}")
        return sympy.Integer(value)
    if not math.isfinite(value):
        raise _overflow(f"a number ({value!r})")
    return sympy.Float(value)


def _overflow(what: str) -> ValueError:
    return ValueError(f"formula contains {what} beyond a float's range (about 1.8e308); use smaller numbers")


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    if base.is_Rational and exponent.is_Rational:
        bits = max(abs(base.p), base.q).bit_length() - 1  # log2 of the larger part, rounded down
        if abs(exponent) * bits > MAX_FLOAT_BITS:
            raise _overflow(f"the power {brief(base)}**{brief(exponent)}")
    return base**exponent


def _check_size(tree: ast.AST) -> None:
    """Refuse trees too big or deep to build, differentiate and print quickly (and without
    exhausting the recursion of sympy's printers)."""
    nodes, deepest, stack = 0, 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes, deepest = nodes + 1, max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node)
                     if not isinstance(child, (ast.operator, ast.unaryop, ast.expr_context)))
    if nodes > MAX_NODES or deepest > MAX_DEPTH:
        raise ValueError(f"formula is too big ({nodes} parts nested {deepest} deep; at most {MAX_NODES} "
                         f"parts nested {MAX_DEPTH} deep): write it shorter")


def _check_constants(expr: sympy.Expr, text: str) -> None:
    """Refuse constants that sympy holds exactly but a float cannot (1e308*10, 9.0**9.0**9.0)."""
    for number in expr.atoms(sympy.Number):
        if not math.isfinite(float(number)):
            raise _overflow(f"the constant {brief(str(number))} (from {brief(text)})")


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
            raise _reject(f"the operator in {brief(snippet)}")
        left, right = _build(node.left, source), _build(node.right, source)
        if isinstance(node.op, ast.Pow):
            return _power(left, right)
        return BINARY_OPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp):
        if type(node.op) not in UNARY_OPS:
            raise _reject(f"the operator in {brief(snippet)}")
        return UNARY_OPS[type(node.op)](_build(node.operand, source))
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in CALLABLES:
            raise _reject(f"calling {brief(ast.get_source_segment(source, node.func))}")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise _reject(f"{brief(snippet)} (functions take exactly one plain argument)")
        return CALLABLES[node.func.id](_build(node.args[0], source))
    description = NODE_DESCRIPTIONS.get(type(node), type(node).__name__)
    raise _reject(f"{description} ({brief(snippet)})")


def parse_formula(text: str) -> sympy.Expr:
    """Parse user text into a real sympy expression in x and y without ever evaluating it."""
    if not isinstance(text, str):
        raise ValueError(f"formula must be a string, got {type(text).__name__}")
    if len(text) > MAX_FORMULA_LENGTH:
        raise ValueError(f"formula is too long ({len(text)} characters, at most {MAX_FORMULA_LENGTH})")
    source = text.strip()
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, MemoryError, RecursionError) as exc:  # the last two: the parser's nesting limits
        reason = getattr(exc, "msg", "too deeply nested")
        raise ValueError(f"formula {brief(text)} is not a valid expression: {reason}") from None
    _check_size(tree.body)
    try:
        expr = _build(tree.body, source)
    except ArithmeticError as exc:  # sympy's floats raise where its integers give zoo: 1.0/0.0
        raise ValueError(f"formula {brief(text)} is not finite and real ({type(exc).__name__})") from None
    if expr.has(sympy.I, sympy.zoo, sympy.oo, sympy.S.NegativeInfinity, sympy.nan):
        raise ValueError(f"formula {brief(text)} is not finite and real (it simplifies to {brief(str(expr))})")
    _check_constants(expr, text)
    return expr


def compile_formula(text: str) -> Formula:
    """Parse a formula and vectorise it and its symbolic gradient with numpy."""
    expr = parse_formula(text)
    # numpy takes integers beyond int64 as Python objects that its functions refuse: give it floats
    numeric = expr.xreplace({n: sympy.Float(n) for n in expr.atoms(sympy.Integer) if abs(n) > 2**63})
    value_fn = sympy.lambdify((X, Y), numeric, modules="numpy")
    gradient_fn = sympy.lambdify((X, Y), (sympy.diff(numeric, X), sympy.diff(numeric, Y)), modules="numpy", cse=True)

    def value(xy: np.ndarray) -> np.ndarray:
        out = np.empty(xy.shape[:-1])
        out[...] = value_fn(xy[..., 0], xy[..., 1])  # assignment broadcasts constant results
        return out

    def gradient(xy: np.ndarray) -> np.ndarray:
        out = np.empty(xy.shape)
        out[..., 0], out[..., 1] = gradient_fn(xy[..., 0], xy[..., 1])
        return out

    return Formula(expr=expr, text=str(expr), latex=sympy.latex(expr), value=value, gradient=gradient)
