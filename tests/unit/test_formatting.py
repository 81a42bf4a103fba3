from flask import Flask
from flask_babel import Babel, force_locale

from contest.formatting import duration


def test_duration_reads_like_a_clock_and_keeps_tenths():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context(), force_locale("en"):
        assert duration(185.24) == "3 min 05.2 s"
        assert duration(42) == "42.0 s"
        assert duration(None) == "—"
        assert duration(-3) == "0.0 s"
