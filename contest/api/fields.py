"""The API's number fields: bounded, so no number a client sends can overflow a column.

Every integer a schema loads goes through `Integer` (or `Id`, `Count`): at most 2^31-1 and at
least -2^31 (PostgreSQL `integer`), narrowed further by the field's own `minimum`/`maximum`.
Floats are finite (marshmallow refuses NaN and infinity) and within ±FLOAT_LIMIT. The bounds are
marshmallow Range validators, so they appear in the OpenAPI document as minimum/maximum.
tests/api/test_hostile_input.py sends 2^31, 2^63 and 10^30 to every integer of every operation.
"""
import marshmallow as ma

from contest.bounds import ID_MAX, INT_MAX, INT_MIN

FLOAT_LIMIT = 1e9


def _validators(validate, bound):
    if validate is None:
        extra = []
    elif callable(validate):
        extra = [validate]
    else:
        extra = list(validate)
    return [bound, *extra]


class Integer(ma.fields.Integer):
    """An integer a column can hold: INT_MIN..INT_MAX, or minimum..maximum inside that."""

    def __init__(self, *, minimum: int = INT_MIN, maximum: int = INT_MAX, validate=None, **kwargs):
        bound = ma.validate.Range(max(minimum, INT_MIN), min(maximum, INT_MAX))
        super().__init__(validate=_validators(validate, bound), **kwargs)


class Id(Integer):
    """A row id: 1..2^31-1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("minimum", 1)
        kwargs.setdefault("maximum", ID_MAX)
        super().__init__(**kwargs)


class Count(Integer):
    """A count or an offset: 0..2^31-1 unless narrowed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("minimum", 0)
        super().__init__(**kwargs)


class Float(ma.fields.Float):
    """A finite number within ±FLOAT_LIMIT (points, weights, thresholds)."""

    def __init__(self, *, minimum: float = -FLOAT_LIMIT, maximum: float = FLOAT_LIMIT, validate=None,
                 **kwargs):
        bound = ma.validate.Range(max(minimum, -FLOAT_LIMIT), min(maximum, FLOAT_LIMIT))
        super().__init__(validate=_validators(validate, bound), allow_nan=False, **kwargs)


class WholeSchema(ma.Schema):
    """A nested item that is loaded whole even inside a partial (PATCH) schema: marshmallow
    passes `partial` down to nested schemas, which would let `{"draw": [{"topic_id": 1}]}`
    through without its `count`."""

    def load(self, data, *, many=None, partial=None, unknown=None):
        return super().load(data, many=many, partial=None, unknown=unknown)


# What the guard (contest/guards.py) refuses in any text, said in the document as a pattern.
# (Lone surrogates, which the guard refuses too, are left out: no JSON generator sends them and
# regex engines disagree about them.)
NO_CONTROL_CHARS = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$"
# The same, with at least one character that is not a space (a reason, not blank).
NOT_BLANK = ("^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f]"
             "[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$")


class Text(ma.fields.String):
    """A string a client sends: no control characters (documented as `pattern`; the guard
    refuses them before any schema with 422 invalid_text). Give it a Length, so it has a bound."""

    def __init__(self, *, validate=None, pattern: str = NO_CONTROL_CHARS, **kwargs):
        pattern = ma.validate.Regexp(pattern, error="Control characters are not allowed.")
        super().__init__(validate=_validators(validate, pattern), **kwargs)
