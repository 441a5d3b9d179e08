"""The foresight studio's routes (views.py)."""

from .views import urlpatterns

app_name = "studies"
__all__ = ["app_name", "urlpatterns"]
