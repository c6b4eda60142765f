"""Link the existing agencies, committees and topic schemes to the bodies that use
them, and give each body its working language; no record is removed.

- an agency serves the bodies whose proposals were assigned to it; one never
  assigned serves every existing body (nothing tells which, and hiding it from all
  would lose it from every pick list);
- a committee supervises for its own body (``body``) and for the bodies whose key
  proposals it supervised; one with neither serves every body;
- a body uses the topic schemes of the topics on its proposals; a scheme no
  proposal uses is kept for every body;
- a proposal with no Chinese text cannot have a Chinese original: it was written in
  English (records created through the API used to default to Chinese), and a body
  whose proposals are all like that works in English.
"""

from django.db import migrations
from django.db.models import Q


def forwards(apps, schema_editor):
    Body = apps.get_model("proposals", "Body")
    Proposal = apps.get_model("proposals", "Proposal")
    Assignment = apps.get_model("proposals", "Assignment")
    Topic = apps.get_model("proposals", "Topic")
    Organization = apps.get_model("people", "Organization")
    through = Organization.bodies.through

    every_body = list(Body.objects.values_list("pk", flat=True))
    links: set[tuple[int, int]] = set()
    used = Assignment.objects.values_list("agency_id", "proposal__session__body_id").distinct()
    links.update(used)
    supervised = (
        Proposal.objects.filter(key_supervisor__isnull=False)
        .values_list("key_supervisor_id", "session__body_id")
        .distinct()
    )
    links.update(supervised)
    links.update(
        Organization.objects.filter(kind="committee", body__isnull=False).values_list(
            "pk", "body_id"
        )
    )
    linked = {org for org, _body in links}
    for org in Organization.objects.filter(kind__in=["agency", "committee"]).values_list(
        "pk", flat=True
    ):
        if org not in linked:
            links.update((org, body) for body in every_body)
    through.objects.bulk_create(
        [through(organization_id=org, body_id=body) for org, body in sorted(links)],
        batch_size=1000,
        ignore_conflicts=True,
    )

    schemes_of: dict[int, set[str]] = {pk: set() for pk in every_body}
    for body, scheme in (
        Topic.objects.filter(proposals__isnull=False)
        .values_list("proposals__session__body_id", "scheme")
        .distinct()
    ):
        schemes_of[body].add(scheme)
    used_schemes = set().union(*schemes_of.values()) if schemes_of else set()
    unused = set(Topic.objects.values_list("scheme", flat=True)) - used_schemes
    no_chinese = Q(title_zh="", summary_zh="", text_zh="")
    Proposal.objects.filter(no_chinese, original_language="zh-hans").update(
        original_language="en"
    )
    for body in Body.objects.all():
        body.topic_schemes = sorted(schemes_of[body.pk] | unused)
        theirs = Proposal.objects.filter(session__body=body)
        if theirs.exists() and not theirs.exclude(no_chinese).exists():
            body.language = "en"
        body.save(update_fields=["topic_schemes", "language"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_organization_bodies"),
        ("proposals", "0009_body_language_and_topic_schemes"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
