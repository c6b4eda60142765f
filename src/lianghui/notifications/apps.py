from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lianghui.notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lianghui.core import audit, events

        from . import tasks

        # Every service records its change in the audit log, whichever channel
        # called it (desk, API, admin action, CLI): its entries are the events.
        events.subscribe(audit.EVENT, tasks.on_events)
