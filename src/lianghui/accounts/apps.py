from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lianghui.accounts"
    label = "accounts"
