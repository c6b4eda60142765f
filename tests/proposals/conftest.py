from tests.portal.conftest import portal_world  # noqa: F401  (the figures tests grow data on it)
