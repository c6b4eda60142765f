from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "lianghui.portal"
    label = "portal"
