from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "lianghui.exchange"
    label = "exchange"
    verbose_name = "Import and export"
