"""The per-conversation rate limit: a sliding window, per key, with bounded memory."""

from __future__ import annotations

import pytest

from bot.channels.rate_limit import SlidingWindowLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_up_to_the_limit_then_refuses() -> None:
    limiter = SlidingWindowLimiter(30, 60, clock=Clock())
    assert all(limiter.allow("a") for _ in range(30))
    assert not limiter.allow("a")


def test_the_window_slides() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(2, 60, clock=clock)
    assert limiter.allow("a")
    clock.now += 30
    assert limiter.allow("a")
    assert not limiter.allow("a")
    clock.now += 30  # the first request is now a full window old
    assert limiter.allow("a")
    assert not limiter.allow("a")


def test_keys_are_independent_and_nothing_resets_a_key_but_time() -> None:
    limiter = SlidingWindowLimiter(1, 60, clock=Clock())
    assert limiter.allow("a") and limiter.allow("b")
    assert not limiter.allow("a")
    assert not hasattr(limiter, "forget")  # deleting a conversation must not be a way round its limit


def test_refused_requests_do_not_extend_the_wait() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(1, 60, clock=clock)
    assert limiter.allow("a")
    for _ in range(10):
        clock.now += 5
        assert not limiter.allow("a")
    clock.now += 10
    assert limiter.allow("a")


def test_memory_stays_bounded() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(5, 60, clock=clock, max_keys=100)
    for i in range(1000):
        clock.now += 0.001
        limiter.allow(f"key-{i}")
    assert len(limiter._hits) <= 100


def test_nonsense_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        SlidingWindowLimiter(0)
    with pytest.raises(ValueError):
        SlidingWindowLimiter(1, 0)
