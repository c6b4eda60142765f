"""The Chinese interface is complete: every message of the catalogue is translated and
not fuzzy, every template string is in it, and words recorded as data (roles,
jurisdictions, bodies' short names) are shown in Chinese too."""

import re
from pathlib import Path

import pytest
from django.utils import translation

import lianghui

PACKAGE = Path(lianghui.__file__).resolve().parent
CATALOGUE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
_STRING = r'"(?:[^"\\]|\\.)*"'


def _text(block: str) -> str:
    parts = re.findall(_STRING, block)
    return "".join(p[1:-1] for p in parts).replace('\\"', '"').replace("\\n", "\n")


def entries(path: Path = CATALOGUE) -> list[dict]:
    """The catalogue's entries: flags, context, msgid, msgstr (plural forms joined)."""
    out = []
    for chunk in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = [ln for ln in chunk.strip().splitlines() if not ln.startswith("#~")]
        if not any(ln.startswith("msgid ") for ln in lines):
            continue
        flags = {f.strip() for ln in lines if ln.startswith("#,") for f in ln[2:].split(",")}
        body = "\n".join(ln for ln in lines if not ln.startswith("#"))
        fields = dict(
            (m.group(1), _text(m.group(2)))
            for m in re.finditer(
                rf"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?)\s+((?:{_STRING}\s*)+)",
                body,
                re.M,
            )
        )
        strs = [v for k, v in fields.items() if k.startswith("msgstr")]
        out.append(
            {
                "flags": flags,
                "context": fields.get("msgctxt"),
                "msgid": fields["msgid"],
                "msgstr": strs,
            }
        )
    return out


def test_the_parser_sees_untranslated_and_fuzzy_entries(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Done"\nmsgstr "完成"\n\n'
        '#, fuzzy\nmsgid "Assigned"\nmsgstr "交办日期"\n\n'
        'msgctxt "role"\nmsgid "CEO"\nmsgstr ""\n\n'
        'msgid ""\n"two "\n"lines"\nmsgstr ""\n"两行"\n',
        encoding="utf-8",
    )
    found = {(e["context"], e["msgid"]): e for e in entries(po)}
    assert "fuzzy" in found[(None, "Assigned")]["flags"]
    assert found[("role", "CEO")]["msgstr"] == [""]
    assert found[(None, "two lines")]["msgstr"] == ["两行"]


def test_every_message_of_the_chinese_catalogue_is_translated():
    messages = [e for e in entries() if e["msgid"]]
    assert len(messages) > 500
    untranslated = [e["msgid"] for e in messages if not all(s.strip() for s in e["msgstr"])]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"


def test_every_template_string_is_in_the_catalogue():
    known = {(e["context"], e["msgid"]) for e in entries()}
    missing = set()
    pattern = re.compile(r'{%\s*translate\s+"([^"]+)"(?:\s+context\s+"([^"]+)")?')
    for template in PACKAGE.rglob("templates/**/*.html"):
        for m in pattern.finditer(template.read_text(encoding="utf-8")):
            if (m.group(2), m.group(1)) not in known:
                missing.add(f"{template.name}: {m.group(1)}")
    # Jinja2 templates (core/jinja.py): {{ _("...") }}, values through |format.
    jinja_message = re.compile(r'\b_\("((?:[^"\\]|\\.)+)"\)')
    jinja_templates = list(PACKAGE.rglob("jinja2/**/*.html"))
    assert jinja_templates
    for template in jinja_templates:
        for m in jinja_message.finditer(template.read_text(encoding="utf-8")):
            if (None, m.group(1)) not in known:
                missing.add(f"{template.name}: {m.group(1)}")
    assert not missing, sorted(missing)


def test_words_recorded_as_data_are_shown_in_chinese():
    from django.db.models.fields import BLANK_CHOICE_LABEL

    from lianghui.portal.templatetags.portal import jurisdiction_name, role_name
    from lianghui.proposals.models import Body

    npc = Body(name_zh="全国人民代表大会", name_en="National People's Congress")
    npc.short_name_zh, npc.short_name_en = "全国人大", "NPC"
    with translation.override("zh-hans"):
        # a count column, not a date
        assert translation.gettext("Assigned") == "已交办"
        assert str(BLANK_CHOICE_LABEL) == "- 请选择 -"
        assert role_name("founder and CEO") == "创始人兼首席执行官"
        assert (jurisdiction_name("PRC"), jurisdiction_name("Shanghai")) == ("中国", "上海")
        assert str(npc) == "全国人大"
    with translation.override("en"):
        assert role_name("founder and CEO") == "founder and CEO" and str(npc) == "NPC"


@pytest.mark.django_db
def test_seed_titles_summaries_and_biographies_are_in_both_languages(seed_facts):
    """The seed articles are in English: every seed record's title, summary and
    biography has a Chinese version too, and one the articles do not give is
    cited to the project's translation, field by field."""
    from lianghui.laws.models import Regulation
    from lianghui.people.models import Member
    from lianghui.proposals.models import Proposal

    # (model, field, Chinese must be marked as the project's translation)
    fields = [
        (Proposal, "title", True),
        (Proposal, "summary", True),
        (Member, "bio", True),
        (Regulation, "title", False),  # official Chinese titles, or marked
        (Regulation, "summary", True),
    ]
    for model, field, marked in fields:
        records = model.objects.filter(generated=False).prefetch_related("citations__source")
        assert records, model
        for record in records:
            zh, en = getattr(record, f"{field}_zh"), getattr(record, f"{field}_en")
            assert zh and en, f"{model.__name__} {record.key}: {field} not in both languages"
            ours = {
                c.field for c in record.citations.all() if c.source.key == "project-translation"
            }
            if marked:
                assert f"{field}_zh" in ours, f"{record.key}: {field}_zh not marked a translation"
