"""Wiring only: the deepclaims plugin lives in pytest_deepclaims/plugin.py."""
pytest_plugins = ["pytest_deepclaims.plugin"]
