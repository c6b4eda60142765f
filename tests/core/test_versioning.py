import pytest
from django.db import transaction

from lianghui.core import events, versioning
from lianghui.core.models import DataVersion


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_moves_the_version_and_a_rollback_does_not():
    # Labels nobody else subscribes to, so only the version itself reacts.
    before = versioning.current()
    with transaction.atomic():
        events.changed("tests.Thing", [1])
        events.changed("tests.Other", [2])
    assert versioning.current() == before + 1  # once per transaction

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        events.changed("tests.Thing", [1])
        raise Boom
    assert versioning.current() == before + 1


@pytest.mark.django_db(transaction=True)
def test_cache_keys_change_with_the_version_and_the_query(rf):
    request = rf.get("/proposals/", {"page": "2"})
    first = versioning.cache_key("page", request)
    assert first == versioning.cache_key("page", request)
    versioning.bump()
    assert versioning.cache_key("page", request) != first
    other = rf.get("/proposals/", {"page": "3"})
    assert versioning.cache_key("page", other) != versioning.cache_key("page", request)


@pytest.mark.django_db(transaction=True)
def test_bump_recreates_a_missing_row():
    DataVersion.objects.all().delete()
    versioning.bump()
    assert versioning.current() == 1
