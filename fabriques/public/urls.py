from django.urls import path

from . import statistics_views, views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("statistiques/", statistics_views.statistics_page, name="statistics"),
]
