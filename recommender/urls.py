from django.urls import path

from . import views

app_name = "recommender"
urlpatterns = [
    path("", views.quiz, name="quiz"),
    path("step/", views.step, name="step"),
    path("result/<str:token>/", views.result, name="result"),
]
