"""Configuration rules: the engine options (PgBouncer) and the trusted proxies in front."""
import doctest

from flask import request

from app import create_app
from contest import config


def test_the_worked_examples_hold():
    assert doctest.testmod(config).failed == 0


def _remote_addr(app_config, **headers):
    app = create_app(app_config)
    app.add_url_rule("/_address", "address", lambda: request.remote_addr)
    return app.test_client().get("/_address", headers=headers,
                                 environ_base={"REMOTE_ADDR": "10.1.1.1"}).get_data(as_text=True)


def test_behind_one_trusted_proxy_the_member_address_is_the_one_it_appended(app):
    settings = {**app.config, "PROXY_COUNT": 1}
    # HAProxy appends the address it saw: a client's own claim before it is ignored.
    assert _remote_addr(settings, **{"X-Forwarded-For": "203.0.113.7, 198.51.100.20"}) == "198.51.100.20"
    assert _remote_addr(settings) == "10.1.1.1"


def test_with_no_trusted_proxy_a_forwarded_for_header_changes_nothing(app):
    assert _remote_addr({**app.config, "PROXY_COUNT": 0}, **{"X-Forwarded-For": "203.0.113.7"}) == "10.1.1.1"
