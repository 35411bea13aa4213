"""Route step conditions: ``<subject field> <op> <value>`` (e.g. amount ≥ 5000)."""

import operator
from decimal import Decimal, InvalidOperation

OPS = {
    "gte": operator.ge,
    "gt": operator.gt,
    "lte": operator.le,
    "lt": operator.lt,
    "eq": operator.eq,
    "ne": operator.ne,
}


def _coerce(value):
    if isinstance(value, bool):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)


def holds(step, subject) -> bool:
    """True when the step has no condition or its condition holds for ``subject``."""
    if not step.has_condition:
        return True
    left = _coerce(getattr(subject, step.condition_field, None))
    right = _coerce(step.condition_value)
    if type(left) is not type(right):
        left, right = str(left), str(right)
    try:
        return OPS[step.condition_op](left, right)
    except (KeyError, TypeError):
        return False
