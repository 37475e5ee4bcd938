"""``ACTIONBOT_METRICS`` and ``ACTIONBOT_METRICS_TOKEN``: off unless asked, and a token that
cannot be guessed in an afternoon."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, MetricsConfig, metrics_config

TOKEN = "0123456789abcdef0123"


def test_metrics_are_off_unless_switched_on() -> None:
    assert metrics_config({}) == MetricsConfig(enabled=False, token=None)
    assert metrics_config({"ACTIONBOT_METRICS": "off"}).enabled is False
    for on in ("on", "1", "yes", "TRUE", " on "):
        assert metrics_config({"ACTIONBOT_METRICS": on}).enabled is True, on


def test_the_token_is_kept_as_given() -> None:
    got = metrics_config({"ACTIONBOT_METRICS": "on", "ACTIONBOT_METRICS_TOKEN": f" {TOKEN} "})
    assert got == MetricsConfig(enabled=True, token=TOKEN)


@pytest.mark.parametrize("switch", ["maybe", "2", "enabled"])
def test_an_unknown_switch_says_what_to_write(switch: str) -> None:
    with pytest.raises(ConfigError, match="ACTIONBOT_METRICS must be on or off"):
        metrics_config({"ACTIONBOT_METRICS": switch})


@pytest.mark.parametrize("token", ["short", "x" * 257, "has a space in it somewhere",
                                   "ünïcødé-token-0123456789", "tab\tinside-0123456789"])
def test_a_weak_or_unsendable_token_is_refused_without_echoing_it(token: str) -> None:
    with pytest.raises(ConfigError, match="ACTIONBOT_METRICS_TOKEN must be 16 to 256") as err:
        metrics_config({"ACTIONBOT_METRICS": "on", "ACTIONBOT_METRICS_TOKEN": token})
    assert token.strip() not in str(err.value)
