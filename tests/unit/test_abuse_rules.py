"""The rules behind the organizers' flags and the rate limits: plain functions, worked examples."""
import doctest
import os

import pytest
from limits import parse
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import FixedWindowRateLimiter

from contest import ratelimit
from contest.rounds import flags
from contest.rounds.flags import many_accounts_from_one_address, too_fast


def test_doctests():
    assert doctest.testmod(flags).failed == 0
    assert doctest.testmod(ratelimit).failed == 0


def test_too_fast_needs_every_gap_under_the_limit():
    assert too_fast([0, 1, 2, 3, 4, 5, 6, 7, 8, 9.9]) is True
    assert too_fast([0, 1, 2, 3, 4, 5, 6, 7, 8, 10]) is False  # one gap of exactly 2 s
    assert too_fast([], min_seconds=2) is False


def test_a_window_slides_over_one_address():
    # Six accounts a minute apart: any five of them fit in five minutes, not in three.
    starts = [("10.1.1.1", f"u{i}", i * 60) for i in range(6)]
    assert many_accounts_from_one_address(starts, accounts=5, minutes=4) == {"10.1.1.1": {f"u{i}" for i in range(6)}}
    assert many_accounts_from_one_address(starts, accounts=5, minutes=3) == {}
    # The crowd on one address does not flag another address's accounts.
    assert many_accounts_from_one_address(starts + [("10.1.1.2", "x", 30)], accounts=5, minutes=4).keys() == {"10.1.1.1"}


@pytest.fixture(params=["memory", "redis"])
def limiter(request):
    """The library's fixed window over each storage the rate limits use (Redis: db 10, own keys)."""
    if request.param == "memory":
        yield FixedWindowRateLimiter(MemoryStorage())
        return
    url = os.environ.get("TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/10")
    storage = RedisStorage(url, key_prefix="test-abuse-rules", socket_connect_timeout=1)
    if not storage.check():
        pytest.skip(f"needs Redis at {url} (set TEST_CACHE_REDIS_URL)")
    storage.reset()
    yield FixedWindowRateLimiter(storage)
    storage.reset()


def test_a_request_refused_by_one_limit_is_not_counted_on_the_other(limiter):
    user, address = parse("2 per minute"), parse("3 per minute")
    an = [(user, "upload", "u1"), (address, "upload", "a10.0.0.7")]
    binh = [(user, "upload", "u2"), (address, "upload", "a10.0.0.7")]
    assert [ratelimit.hit_all(limiter, an) for _ in range(2)] == [0, 0]
    assert 50 < ratelimit.hit_all(limiter, an) <= 60  # An's third: refused by An's limit ...
    assert limiter.get_window_stats(address, "upload", "a10.0.0.7").remaining == 1  # ... not the address's
    assert ratelimit.hit_all(limiter, binh) == 0  # the address's third
    assert 50 < ratelimit.hit_all(limiter, binh) <= 60  # its fourth: refused by the address ...
    assert limiter.get_window_stats(user, "upload", "u2").remaining == 1  # ... and Bình's hit given back
