from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "lianghui.proposals"
    label = "proposals"
