"""lifecycle routes of the roadmaps."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
