from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "conformance.postgres.django_shop"
    label = "shop"
    default_auto_field = "django.db.models.BigAutoField"
