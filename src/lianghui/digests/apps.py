from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "lianghui.digests"
    label = "digests"
    verbose_name = "Session digests"
