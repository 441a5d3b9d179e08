"""documents routes of the recommendations."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
