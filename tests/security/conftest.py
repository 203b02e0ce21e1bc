"""Fixtures the security tests share."""

from tests.cli.api_server import operator_host  # noqa: F401 (a fixture)
