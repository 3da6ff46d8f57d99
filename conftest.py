"""Wiring only: the deepclaims plugin lives in fixtures/plugin.py."""
pytest_plugins = ["fixtures.plugin"]
