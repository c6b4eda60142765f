"""Every existing body gets the Chinese defaults (the enums' words as of this
migration, frozen here so later edits of the enums do not rewrite history)."""

from django.db import migrations

# (vocabulary, code, label_zh, label_en, description_zh, description_en)
DEFAULTS = [
    ("reply_category", "A", "A：已采纳或已解决", "A: adopted or solved",
     "所提问题已经解决或建议已被采纳。", "What the proposal asked for has been done or adopted."),
    ("reply_category", "B", "B：正在解决或列入计划", "B: in progress or planned",
     "正在解决，或已列入今后的计划。", "Being done, or planned for a coming year."),
    ("reply_category", "C", "C：予以说明或留作参考", "C: explained or kept for reference",
     "目前无法解决，已作说明或留作参考。",
     "Cannot be done now; explained, or kept for reference."),
    ("satisfaction", "satisfied", "满意", "Satisfied", "", ""),
    ("satisfaction", "basically_satisfied", "基本满意", "Basically satisfied", "", ""),
    ("satisfaction", "unsatisfied", "不满意", "Unsatisfied", "", ""),
    ("handling_role", "lead", "主办单位", "Lead unit (主办)",
     "负责答复并协调其他单位；每件只有一个。",
     "Answers the proposal and coordinates the others; one per proposal."),
    ("handling_role", "joint", "会办单位", "Joint handler (会办)",
     "与主办单位一起，就其职责部分作出答复。",
     "Replies on its own part, alongside the lead unit."),
    ("handling_role", "assisting", "协办单位", "Assisting unit (协办)",
     "向主办单位提供意见。", "Contributes its views to the lead unit."),
    ("outcome", "filed", "已立案", "Filed", "", ""),
    ("outcome", "not_filed", "不予立案", "Not filed", "", ""),
    ("outcome", "merged", "并入其他建议或提案", "Merged into another proposal", "", ""),
    ("outcome", "converted", "转为来信", "Converted to a letter", "", ""),
    ("not_filed_reason", "out_of_scope", "不属于职权范围", "Outside the body's remit", "", ""),
    ("not_filed_reason", "no_concrete_measure", "没有具体建议", "No concrete proposal", "", ""),
    ("not_filed_reason", "duplicate", "重复", "Duplicate", "", ""),
    ("not_filed_reason", "personal_matter", "个人或私人事务", "Personal or private matter", "", ""),
    ("not_filed_reason", "judicial_matter", "属于司法事项", "Matter for the courts", "", ""),
    ("not_filed_reason", "other", "其他", "Other", "", ""),
]


def forwards(apps, schema_editor):
    Body = apps.get_model("proposals", "Body")
    Term = apps.get_model("proposals", "Term")
    for body in Body.objects.all():
        if Term.objects.filter(body=body).exists():
            continue
        rows = []
        for order, (vocabulary, code, label_zh, label_en, desc_zh, desc_en) in enumerate(
            DEFAULTS
        ):
            rows.append(
                Term(
                    body=body,
                    vocabulary=vocabulary,
                    code=code,
                    label_zh=label_zh,
                    label_en=label_en,
                    description_zh=desc_zh,
                    description_en=desc_en,
                    order=order,
                )
            )
        Term.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0010_body_vocabulary")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
