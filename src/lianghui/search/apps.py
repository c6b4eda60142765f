from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "lianghui.search"
    label = "search"
