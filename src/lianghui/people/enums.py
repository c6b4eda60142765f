from django.utils.translation import gettext_lazy as _

from lianghui.core.enums import Vocabulary, with_help


class OrganizationKind(Vocabulary):
    COMPANY = "company", _("Company")
    AGENCY = "agency", _("Government agency")
    UNION = "union", _("Trade union")
    PARTY_GROUP = "party_group", _("Party or party group")
    ASSOCIATION = "association", _("Association")
    DELEGATION = "delegation", _("Delegation")
    SECTOR_GROUP = "sector_group", _("Sector group")
    COMMITTEE = "committee", _("Committee")
    RESEARCH = "research", _("Research institution")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other")


with_help(
    OrganizationKind,
    {
        "delegation": _("NPC deputies are elected and sit by delegation, one per province."),
        "sector_group": _("CPPCC members sit by sector (界别), e.g. economics, science."),
        "agency": _("A body that handles proposals; agencies form a tree."),
    },
)


class Sector(Vocabulary):
    INTERNET = "internet", _("Internet")
    AI = "ai", _("Artificial intelligence")
    SEMICONDUCTORS = "semiconductors", _("Semiconductors")
    AUTOMOTIVE = "automotive", _("Automotive")
    EV_ENERGY = "ev_energy", _("EVs and energy")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    FINANCE = "finance", _("Finance")
    TELECOM = "telecom", _("Telecommunications")
    MEDIA = "media", _("Media and culture")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    REAL_ESTATE = "real_estate", _("Real estate")
    LOGISTICS = "logistics", _("Logistics")
    RETAIL = "retail", _("Retail")
    AGRICULTURE = "agriculture", _("Agriculture")
    LABOUR = "labour", _("Labour")
    GOVERNMENT = "government", _("Government")
    RESEARCH = "research", _("Research")
    LAW = "law", _("Law")
    OTHER = "other", _("Other")


class AgencyLevel(Vocabulary):
    CENTRAL = "central", _("Central")
    MINISTRY = "ministry", _("Ministry or commission")
    BUREAU = "bureau", _("Bureau or administration")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    OTHER = "other", _("Other")


class Gender(Vocabulary):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
