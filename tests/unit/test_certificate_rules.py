"""The certificates' rules: the code, the sandboxed template, the image check (worked examples)."""
import doctest
import io

import pytest
from PIL import Image

from contest.certificates import render, rules
from contest.errors import Refusal


def test_worked_examples(app):
    with app.app_context():
        assert doctest.testmod(rules, optionflags=doctest.ELLIPSIS).failed == 0
        assert doctest.testmod(render).failed == 0


def test_codes_carry_at_least_80_random_bits_and_are_not_sequential():
    codes = [rules.new_code() for _ in range(2000)]
    assert rules.CODE_BYTES * 8 >= 80
    assert len(set(codes)) == 2000
    prefixes = {c[:4] for c in codes}
    assert len(prefixes) > 1900  # 24 bits of prefix: neighbours share nothing


def test_a_jpeg_is_taken_and_a_gif_is_not():
    jpeg, gif = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(jpeg, "JPEG")
    Image.new("RGB", (8, 8), "blue").save(gif, "GIF")
    assert rules.check_image(jpeg.getvalue()) == "image/jpeg"
    with pytest.raises(Refusal) as refused:
        rules.check_image(gif.getvalue())
    assert (refused.value.code, refused.value.status) == ("invalid_image", 422)


def test_a_truncated_png_is_refused():
    png = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(png, "PNG")
    with pytest.raises(Refusal):
        rules.check_image(png.getvalue()[:60])
