"""Choosing a session's highlights from its public records, each with its reason.

Only what the public may see is read (``visibility.public_proposals``), so a
generated digest never names an unpublished proposal. Each item's text and
reason are written in both languages at generation time; counts are the
figures at that moment and the digest says when it was generated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import gettext as _

from lianghui.insights.interests import proposal_interest_flags
from lianghui.people.models import Affiliation, Member
from lianghui.proposals import visibility
from lianghui.proposals.models import Proposal, Session, Signer, Topic

from .enums import Section

VERSION = "rules-1"
THEMES = 5
NEW = 3
COSIGNED = 5
PROMINENT = 5
FOLLOWED = 3


@dataclass
class Chosen:
    section: str
    title: dict  # language -> text
    text: dict
    reason: dict
    proposal: Proposal | None = None
    topic: Topic | None = None
    member: Member | None = None
    count: int | None = None
    related: list[str] = field(default_factory=list)


def _both(fn) -> dict:
    out = {}
    for lang in ("zh", "en"):
        with translation.override("zh-hans" if lang == "zh" else "en"):
            out[lang] = str(fn())
    return out


def _name(record, field: str = "name"):
    return lambda: record.localized(field)


def _topic_counts(proposals) -> dict[int, int]:
    rows = (
        proposals.filter(topics__isnull=False)
        .values("topics")
        .annotate(n=Count("pk", distinct=True))
    )
    return {r["topics"]: r["n"] for r in rows}


def _representatives(proposals, topic_id: int, n: int = 2) -> list[Proposal]:
    return list(
        proposals.filter(topics=topic_id)
        .annotate(signed=Count("signers"))
        .order_by("-signed", "key")[:n]
    )


def _previous(session: Session) -> Session | None:
    return (
        Session.objects.filter(body_id=session.body_id, year__lt=session.year)
        .order_by("-year", "-number")
        .first()
    )


def choose(session: Session) -> list[Chosen]:
    public = visibility.public_proposals().filter(session=session)
    total = public.count()
    if not total:
        return []
    chosen: list[Chosen] = []
    counts = _topic_counts(public)
    topics = Topic.objects.in_bulk(list(counts))

    # Themes: the topics with most proposals, with the most co-signed as examples.
    for topic_id, n in sorted(counts.items(), key=lambda kv: (-kv[1], topics[kv[0]].key))[:THEMES]:
        t = topics[topic_id]
        reps = _representatives(public, topic_id)
        share = round(100 * n / total)
        chosen.append(
            Chosen(
                Section.THEME,
                title=_both(_name(t)),
                text=_both(
                    lambda n=n, share=share: (
                        _("%(n)s proposals (%(share)s%% of the session's published ones).")
                        % {"n": n, "share": share}
                    )
                ),
                reason=_both(
                    lambda n=n, total=total: (
                        _(
                            "One of the %(k)s topics with most published proposals: "
                            "%(n)s of %(total)s."
                        )
                        % {"k": THEMES, "n": n, "total": total}
                    )
                ),
                topic=t,
                count=n,
                related=[p.key for p in reps],
            )
        )

    # New: topics that grew most against the body's session before (or appeared).
    before = _previous(session)
    if before is not None:
        earlier = _topic_counts(visibility.public_proposals().filter(session=before))
        growth = sorted(
            ((tid, n - earlier.get(tid, 0)) for tid, n in counts.items() if n >= 2),
            key=lambda kv: (-kv[1], topics[kv[0]].key),
        )
        for topic_id, grew in [g for g in growth if g[1] > 0][:NEW]:
            t, n, m = topics[topic_id], counts[topic_id], earlier.get(topic_id, 0)
            chosen.append(
                Chosen(
                    Section.NEW,
                    title=_both(_name(t)),
                    text=_both(
                        lambda n=n, m=m: (
                            _("%(n)s proposals, against %(m)s in %(year)s.")
                            % {"n": n, "m": m, "year": before.year}
                        )
                    ),
                    reason=_both(
                        lambda m=m, grew=grew: (
                            _("No proposal had this topic in %(year)s.") % {"year": before.year}
                            if m == 0
                            else _("Up by %(grew)s on %(year)s, among the largest rises.")
                            % {"grew": grew, "year": before.year}
                        )
                    ),
                    topic=t,
                    count=n,
                    related=[p.key for p in _representatives(public, topic_id)],
                )
            )

    # Most co-signed.
    cosigned = (
        public.annotate(n=Count("signers", filter=Q(signers__role="cosigner")))
        .filter(n__gt=0)
        .order_by("-n", "key")[:COSIGNED]
    )
    for p in cosigned:
        chosen.append(
            Chosen(
                Section.COSIGNED,
                title=_both(_name(p, "title")),
                text=_both(lambda p=p: p.localized("summary")[:280]),
                reason=_both(lambda p=p: _("%(n)s co-signers.") % {"n": p.n}),
                proposal=p,
                count=p.n,
            )
        )

    # Prominent members: lead proposers who hold a role in an organization that
    # year; a proposal with an interest flag first, then the most followed member.
    year = session.year
    leads = Signer.objects.filter(
        proposal__in=public, role="lead", member__isnull=False
    ).values_list("proposal_id", "member_id")
    lead_of = {pk: mid for pk, mid in leads}
    affiliated = {
        a.member_id: a
        for a in Affiliation.objects.filter(member_id__in=set(lead_of.values()))
        .filter(Q(start_year__isnull=True) | Q(start_year__lte=year))
        .filter(Q(end_year__isnull=True) | Q(end_year__gte=year))
        .select_related("organization", "member")
        .order_by("member_id", "-start_year", "id")
    }
    follows = _member_follows([a.member.key for a in affiliated.values()])
    candidates = (
        public.filter(pk__in=[pk for pk, mid in lead_of.items() if mid in affiliated])
        .select_related("session")
        .prefetch_related("topics", "signers")
    )
    ranked = []
    for p in candidates:
        a = affiliated[lead_of[p.pk]]
        flags = proposal_interest_flags(p)
        ranked.append((not flags, -follows.get(a.member.key, 0), p.key, p, a, flags))
    ranked.sort(key=lambda r: r[:3])
    seen: set[int] = set()
    picked = []
    for row in ranked:  # one proposal per member: the section is about people
        if row[4].member_id not in seen and len(picked) < PROMINENT:
            seen.add(row[4].member_id)
            picked.append(row)
    for _no_flag, _f, _k, p, a, flags in picked:
        chosen.append(
            Chosen(
                Section.PROMINENT,
                title=_both(_name(p, "title")),
                text=_both(
                    lambda a=a: (
                        _("Led by %(member)s (%(organization)s).")
                        % {"member": a.member.name, "organization": a.organization.name}
                    )
                ),
                reason=_both(
                    lambda a=a, flags=flags: " ".join(
                        [
                            _("Its lead proposer holds a role in %(organization)s this year.")
                            % {"organization": a.organization.name}
                        ]
                        + [_("Interest flag: %(reason)s") % {"reason": f.reason} for f in flags]
                    )
                ),
                proposal=p,
                member=a.member,
            )
        )

    # Most followed proposers among this session's lead proposers.
    all_leads = Member.objects.in_bulk(set(lead_of.values()))
    by_key = {m.key: m for m in all_leads.values()}
    for key, n in sorted(_member_follows(list(by_key)).items(), key=lambda kv: (-kv[1], kv[0]))[
        :FOLLOWED
    ]:
        m = by_key[key]
        led = sum(1 for mid in lead_of.values() if mid == m.pk)
        chosen.append(
            Chosen(
                Section.FOLLOWED,
                title=_both(_name(m)),
                text=_both(
                    lambda led=led: (
                        _("Led %(n)s of this session's published proposals.") % {"n": led}
                    )
                ),
                reason=_both(lambda n=n: _("Followed by %(n)s people on the site.") % {"n": n}),
                member=m,
                count=n,
            )
        )
    return chosen


def _member_follows(keys: list[str]) -> dict[str, int]:
    from lianghui.following.enums import Target
    from lianghui.following.models import Follow

    if not keys:
        return {}
    rows = (
        Follow.objects.filter(target=Target.MEMBER, key__in=keys)
        .values("key")
        .annotate(n=Count("pk"))
    )
    return {r["key"]: r["n"] for r in rows if r["n"]}
