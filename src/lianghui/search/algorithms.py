"""The search app's automated functions, in the public register of algorithms."""

from django.utils.translation import gettext_lazy as _

from lianghui.insights.algorithms import Algorithm, register


def register_search() -> None:
    from .similar import MIN_SHARED, TERMS

    register(
        Algorithm(
            key="similar_proposals",
            name=_("Similar proposals"),
            what=_(
                "Lists published proposals most like the one shown, each with the distinctive"
                " words they share. Everyone sees the same list: nothing about the reader is"
                " used."
            ),
            inputs=_("The proposal's title, summary, text and topics; the search index."),
            learns_from=_(
                "Nothing: how rare each word is among the indexed public records (tf × idf),"
                " counted afresh as the index changes."
            ),
            shown=_("The public proposal page."),
            contest=_(
                "It is a list of look-alikes, not a decision. If a proposal listed there"
                " misleads, write to the site's administrators."
            ),
            rule=_("The heaviest words of the proposal, looked up in the index."),
            rule_version=f"terms={TERMS},min_shared={MIN_SHARED}",
            order=50,
        )
    )
    register(
        Algorithm(
            key="search_ranking",
            name=_("Search ranking"),
            what=_(
                "Orders search results by relevance to the words searched for; results can"
                " also be sorted by date. Everyone gets the same order for the same search."
            ),
            inputs=_("The words searched for and the filters; the search index."),
            learns_from=_("Nothing: the full-text engine's ranking of the indexed public records."),
            shown=_("The search page and the API's search."),
            contest=_(
                "Sort by date to see results without ranking. If a record is missing or"
                " wrongly ranked, write to the site's administrators."
            ),
            rule=_("Full-text relevance (SQLite FTS5 or PostgreSQL full text)."),
            rule_version="1",
            per_body=False,
            not_per_body=_(
                "A search spans every body; the order can be switched off by sorting by date."
            ),
            order=60,
        )
    )
