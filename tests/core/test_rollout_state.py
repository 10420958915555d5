"""A rollout's waves and state as plain data: first matching wave wins, '*' takes the rest, state round-trips."""

from __future__ import annotations

import pytest

from mtx_gitops.core.rollout import FAILED, HEALTHY, Rollout, WaveState, assign_waves

SPACES = ["prod-asia", "prod-eu", "prod-us", "prod-eu2"]


def test_each_space_goes_to_the_first_wave_that_matches_it_and_star_takes_the_rest() -> None:
    matches = {"eu": ["prod-eu", "prod-eu2"], "eu-or-us": ["prod-eu", "prod-us"]}

    waves, left = assign_waves(["eu", "eu-or-us", "*"], matches, SPACES)

    assert [w.spaces for w in waves] == [["prod-eu", "prod-eu2"], ["prod-us"], ["prod-asia"]]
    assert left == []


def test_spaces_no_wave_takes_are_left_out() -> None:
    waves, left = assign_waves(["eu"], {"eu": ["prod-eu"]}, SPACES)

    assert [w.spaces for w in waves] == [["prod-eu"]] and left == ["prod-asia", "prod-us", "prod-eu2"]


def test_state_round_trips_and_the_next_wave_is_the_first_not_healthy() -> None:
    waves = [
        WaveState("eu", ["prod-eu"], HEALTHY, commit="c1"),
        WaveState("*", ["prod-us"], FAILED, "not Healthy", [{"object": "x"}]),
    ]
    rollout = Rollout("20261206-120000-abcd", "prod-*", waves, soak=1, timeout=2)

    again = Rollout.from_json(rollout.as_json())

    assert again == rollout and again.next_wave() == 1 and again.label(1) == "2/2"


@pytest.mark.parametrize("data", [{}, {"id": "x", "space": "s", "waves": [{}], "soak": 1, "timeout": 1},
                                  {"id": "x", "space": "s", "waves": [], "soak": "ten", "timeout": 1}])  # fmt: skip
def test_malformed_state_is_a_value_error(data: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="malformed rollout state"):
        Rollout.from_json(data)
