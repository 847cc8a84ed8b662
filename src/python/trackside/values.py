"""Checking and converting what users log: metric numbers and parameter values."""

import math

_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def metric_number(key, value):
    """Returns `value` as an int or float, or raises TypeError naming `key`.

    bool counts as 0/1. numpy scalars, 0-d arrays and scalar tensors are read through
    `item()` (or `__float__`) so numpy never has to be imported here.
    """
    cls = type(value)
    if cls is float or cls is int:
        return value
    if cls is bool:
        return int(value)
    if isinstance(value, float):  # numpy.float64 subclasses float
        return float(value)
    if isinstance(value, int):  # IntEnum and friends
        return int(value)
    if isinstance(value, (str, bytes)):
        raise _not_a_number(key, value)
    ndim = getattr(value, "ndim", None)
    if ndim is None:
        shape = getattr(value, "shape", None)
        ndim = None if shape is None else len(shape)
    if ndim is not None and ndim != 0:
        raise _not_a_number(key, value)
    item = getattr(value, "item", None)
    if callable(item):
        try:
            x = item()
        except Exception:
            x = None
        if x is not None and x is not value:
            try:
                return metric_number(key, x)
            except TypeError:
                raise _not_a_number(key, value) from None
    if hasattr(cls, "__float__"):
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    raise _not_a_number(key, value)


def _not_a_number(key, value):
    return TypeError(
        "trackside: metric {!r} must be a number, got {}: {}".format(
            key, type(value).__name__, _short(value)
        )
    )


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def finite_or_name(x):
    """JSON has no NaN/Infinity: non-finite floats are written as these strings."""
    if type(x) is float and not math.isfinite(x):
        return _NON_FINITE[repr(x)]
    return x


def _metric_json(x):
    if type(x) is int:
        try:
            float(x)
        except OverflowError:  # beyond float range: what a reader makes of it anyway
            return "Infinity" if x > 0 else "-Infinity"
    return finite_or_name(x)


def json_metric_values(values):
    """Metric values JSON can hold: non-finite floats, and ints beyond float range, as strings."""
    return {k: _metric_json(v) for k, v in values.items()}


def param_value(value):
    """A parameter as JSON: str/int/float/bool/None as is, numpy scalars unwrapped, else str()."""
    if value is None:
        return None
    for cls in (bool, str, int):  # bool first: it is an int
        if isinstance(value, cls):
            return cls(value)
    if isinstance(value, float):
        return finite_or_name(float(value))
    if getattr(value, "ndim", None) == 0:  # numpy scalars, 0-d arrays, scalar tensors
        item = getattr(value, "item", None)
        try:
            x = item() if callable(item) else float(value)
        except (TypeError, ValueError):
            x = value
        if x is not value:
            return param_value(x)
    return str(value)


def flatten_params(params, prefix=""):
    """{"opt": {"lr": 0.1}} -> {"opt/lr": 0.1}; keys become strings."""
    out = {}
    for key, value in params.items():
        name = prefix + str(key)
        if isinstance(value, dict):
            out.update(flatten_params(value, name + "/"))
        else:
            out[name] = param_value(value)
    return out


def tag_list(tags):
    """Tags as strings, from one string or an iterable of strings, lists, tuples or sets."""
    if isinstance(tags, str):
        return [tags]
    out = []
    for tag in tags:
        if isinstance(tag, (set, frozenset)):
            out.extend(sorted(str(t) for t in tag))
        elif isinstance(tag, (list, tuple)):
            out.extend(str(t) for t in tag)
        else:
            out.append(str(tag))
    return out
