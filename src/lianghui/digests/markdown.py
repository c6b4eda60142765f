"""A published digest as Markdown, in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("*", "\\*")


def render(digest, parts, *, edited: bool, absolute_url=lambda path: path) -> str:
    session = digest.session
    lines = [
        f"# {_('Highlights of %(session)s') % {'session': session.name}}",
        "",
        (
            _(
                "Generated on %(generated)s from the published records; the office edited "
                "it before publication on %(published)s. Items marked (edited) or (added) "
                "were changed by a person."
            )
            if edited
            else _(
                "Generated on %(generated)s from the published records and published on "
                "%(published)s as generated: no item was changed by a person."
            )
        )
        % {
            "generated": digest.generated_at.date().isoformat(),
            "published": digest.published_at.date().isoformat() if digest.published_at else "—",
        },
        "",
    ]
    for part in parts:
        lines += [f"## {part.section.label}", ""]
        for item in part.items:
            mark = ""
            if not item.generated:
                mark = " " + _("(added)")
            elif item.changed:
                mark = " " + _("(edited)")
            title = _esc(item.title)
            if item.proposal_id:
                title = f"[{title}]({absolute_url(item.proposal.get_absolute_url())})"
            lines.append(f"- **{title}**{mark}")
            if item.text:
                lines.append(f"  {_esc(item.text)}")
            for p in getattr(item, "examples", []):
                lines.append(f"  - [{_esc(p.title)}]({absolute_url(p.get_absolute_url())})")
            if item.reason:
                lines.append(f"  *{_('Why: %(reason)s') % {'reason': _esc(item.reason)}}*")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
