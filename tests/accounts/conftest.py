from tests.search.conftest import indexing, search_world  # noqa: F401  (shared fixtures)
