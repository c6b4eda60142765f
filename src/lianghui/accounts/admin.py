from django.contrib import admin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "body", "member", "agency"]
    list_filter = ["role", "body"]
    raw_id_fields = ["member", "agency"]
