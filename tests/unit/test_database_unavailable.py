"""Which database errors mean "not answering, try again" (503) and which are bugs (500)."""
import doctest

from contest import errors


def test_doctests():
    assert doctest.testmod(errors).failed == 0
