import numpy as np

from simkit.us_places import STATE_CODES, US_STATES, build_place_pool, sample_places


def test_fifty_states_and_dc_each_with_cities():
    assert len(STATE_CODES) == 51 and "DC" in STATE_CODES
    assert all(cities for _, cities in US_STATES.values())


def test_pool_weights_follow_population_and_sum_to_one():
    pool = build_place_pool()
    assert np.isclose(pool.weights.sum(), 1.0)
    by_state = {code: pool.weights[pool.states == code].sum() for code in STATE_CODES}
    assert by_state["CA"] > by_state["TX"] > by_state["FL"] > by_state["WY"]
    california = pool.weights[pool.states == "CA"]
    assert california[0] == california.max()  # the largest city first


def test_sampled_cities_belong_to_their_state_and_are_reproducible():
    states, cities = sample_places(np.random.default_rng(1), 5_000)
    assert all(city in US_STATES[state][1] for state, city in zip(states, cities, strict=True))
    again_states, again_cities = sample_places(np.random.default_rng(1), 5_000)
    assert np.array_equal(states, again_states) and np.array_equal(cities, again_cities)
    assert 0.09 < np.mean(states == "CA") < 0.15  # California holds ~12% of the population
