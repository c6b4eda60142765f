"""Generating a session's highlights from the public record, and the office's edits."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lianghui.core.models import AuditEntry
from lianghui.digests import selectors, services
from lianghui.digests.models import DigestItem

pytestmark = pytest.mark.django_db


def by_section(digest):
    out = {}
    for item in digest.items.order_by("position"):
        out.setdefault(item.section, []).append(item)
    return out


def test_generation_chooses_from_public_records_with_reasons(session_world, accounts):
    digest = services.digest_generate(session=session_world, actor=accounts["office"])
    parts = by_section(digest)
    themes = [i.title_en for i in parts["theme"]]
    assert themes[0] == "Labour" and "Artificial intelligence" in themes
    labour = parts["theme"][0]
    assert labour.count == 3 and "3 of 5" in labour.reason_en and "3" in labour.reason_zh
    assert labour.related[0] == "labour-0"  # the most co-signed first
    (new,) = parts["new"]
    assert new.title_en == "Labour" and "No proposal had this topic in 2021" in new.reason_en
    cosigned = [i.proposal.key for i in parts["cosigned"]]
    assert cosigned[0] == "labour-0" and "2 co-signers" in parts["cosigned"][0].reason_en
    prominent = parts["prominent"][0]
    assert prominent.member.key == "ma-huateng" and "Tencent" in prominent.reason_en
    assert "腾讯" in prominent.reason_zh
    everything = " ".join(
        f"{i.title_zh}{i.title_en}{i.text_zh}{i.text_en}" for i in digest.items.all()
    )
    assert "secret" not in str([i.related for i in digest.items.all()])
    assert "尚未公开" not in everything
    assert all(i.generated and not i.changed for i in digest.items.all())


def test_edits_are_kept_and_marked_and_regeneration_respects_them(session_world, accounts):
    office = accounts["office"]
    digest = services.digest_generate(session=session_world, actor=office)
    item = digest.items.get(section="theme", position=0)
    services.digest_item_edit(item=item, actor=office, title_en="Riders and their rights")
    item.refresh_from_db()
    assert item.changed and item.generated_text["title_en"] == "Labour"
    gone = digest.items.filter(section="cosigned").first()
    services.digest_item_remove(item=gone, actor=office)
    services.digest_generate(session=session_world, actor=office)
    assert digest.items.filter(title_en="Riders and their rights").count() == 1
    assert not digest.items.filter(section="theme", title_en="Labour").exists()
    assert digest.items.get(pk=gone.pk).removed
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"digest_generated", "digest_item_edited", "digest_item_removed"} <= actions


def test_moves_reorder_the_shown_items(session_world, accounts):
    office = accounts["office"]
    digest = services.digest_generate(session=session_world, actor=office)
    first, second = digest.items.order_by("position")[:2]
    services.digest_item_move(item=second, by=-1, actor=office)
    assert list(digest.items.order_by("position")[:2]) == [second, first]


def test_publishing_shows_it_and_freezes_it(session_world, accounts):
    office = accounts["office"]
    digest = services.digest_generate(session=session_world, actor=office)
    assert selectors.published_digest(session_key="npc-2022") is None
    services.digest_publish(digest=digest, actor=office)
    found, parts = selectors.published_digest(session_key="npc-2022")
    assert [p.section.value for p in parts][:2] == ["theme", "new"]
    with pytest.raises(ValidationError):
        services.digest_item_edit(item=digest.items.first(), actor=office, title_en="x")


def test_an_empty_title_is_refused(session_world, accounts):
    digest = services.digest_generate(session=session_world, actor=accounts["office"])
    item = digest.items.first()
    with pytest.raises(ValidationError) as err:
        services.digest_item_edit(item=item, actor=accounts["office"], title_zh="", title_en="")
    assert "title_en" in err.value.message_dict
    assert DigestItem.objects.get(pk=item.pk).title == item.title


def test_texts_are_in_both_languages(session_world, accounts):
    digest = services.digest_generate(session=session_world, actor=accounts["office"])
    item = digest.items.get(section="theme", position=0)
    with translation.override("zh-hans"):
        assert item.title == "劳动"
    with translation.override("en"):
        assert item.title == "Labour"
