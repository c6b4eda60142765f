from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "lianghui.people"
    label = "people"
