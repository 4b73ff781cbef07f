"""Exact arithmetic for scores: integers stay integers, everything else is a `Decimal`.

No float ever enters a score, so a result is the same on every machine and every run, and a
stored result can be compared with a rescored one for equality.
"""

from __future__ import annotations

import decimal
import math
from decimal import Decimal

Number = int | Decimal

#: A private context, so that a caller changing the global decimal context changes nothing here.
CONTEXT = decimal.Context(
    prec=34, rounding=decimal.ROUND_HALF_EVEN, traps=[decimal.InvalidOperation]
)

#: Rounding mode names in instrument files -> the decimal module's modes.
ROUNDING_MODES: dict[str, str] = {
    name: getattr(decimal, f"ROUND_{name.upper()}")
    for name in ("half_up", "half_even", "half_down", "up", "down", "ceiling", "floor")
}


def as_number(value: object) -> Number | None:
    """Return `value` as an exact number, or None if it is not a finite number (bools are not)."""
    if isinstance(value, float) and math.isfinite(value):
        # repr() is the shortest string that round-trips, so 0.1 becomes Decimal("0.1").
        value = Decimal(repr(value))
    if isinstance(value, Decimal) and value.is_finite():
        return int(value) if value == value.to_integral_value() else value  # 2.0 is 2
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def round_to(value: Number, decimals: int, rounding: str) -> Number:
    """Round to `decimals` places with a named mode; 0 places gives an int."""
    if decimals == 0:
        if isinstance(value, int):
            return value
        return int(value.quantize(Decimal(1), rounding=ROUNDING_MODES[rounding], context=CONTEXT))
    exponent = Decimal(1).scaleb(-decimals)
    return Decimal(value).quantize(exponent, rounding=ROUNDING_MODES[rounding], context=CONTEXT)


def divide(numerator: Number, denominator: Number) -> Number:
    """Exact where possible; otherwise 34 significant digits, far below any declared rounding."""
    if isinstance(numerator, int) and isinstance(denominator, int) and numerator % denominator == 0:
        return numerator // denominator
    return CONTEXT.divide(Decimal(numerator), Decimal(denominator))


def multiply(left: Number, right: Number) -> Number:
    if isinstance(left, int) and isinstance(right, int):
        return left * right
    return CONTEXT.multiply(Decimal(left), Decimal(right))


def step(decimals: int) -> Number:
    """The smallest difference between two scores rounded to `decimals` places."""
    return 1 if decimals == 0 else Decimal(1).scaleb(-decimals)


def to_json(value: Number) -> int | str:
    """An int stays a JSON number; a Decimal becomes its exact string, e.g. "1.33"."""
    return value if isinstance(value, int) else str(value)


def from_json(value: object) -> Number:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a score")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        number = Decimal(value)
        if not number.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return number
    raise ValueError(f"not a stored number: {value!r}")


def display(value: Number | None) -> str:
    return "—" if value is None else str(value)
