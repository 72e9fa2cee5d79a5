"""The trainer's pages at /pelatih/ (namespace `trainer`, see workshops.views_trainer)."""

from django.urls import path

from . import views_trainer as views

app_name = "trainer"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("pelatihan/baru/", views.workshop_create, name="workshop-create"),
    path("pelatihan/<int:pk>/", views.workshop_overview, name="workshop"),
    path("pelatihan/<int:pk>/ubah/", views.workshop_edit, name="workshop-edit"),
    path("pelatihan/<int:pk>/terbitkan/", views.workshop_publish, name="workshop-publish"),
    path("pelatihan/<int:pk>/batalkan/", views.workshop_cancel, name="workshop-cancel"),
    path("pelatihan/<int:pk>/selesai/", views.workshop_complete, name="workshop-complete"),
    path("pelatihan/<int:pk>/peserta/", views.participants, name="participants"),
    path("pelatihan/<int:pk>/peserta.csv", views.participants_csv, name="participants-csv"),
    path("pelatihan/<int:pk>/peserta/tambah/", views.participant_add, name="participant-add"),
    path("pelatihan/<int:pk>/peserta/<int:registration_pk>/hadir/", views.check_in_manual, name="check-in-manual"),
    path(
        "pelatihan/<int:pk>/peserta/<int:registration_pk>/batal/", views.participant_cancel, name="participant-cancel"
    ),
    path("pelatihan/<int:pk>/check-in/", views.check_in, name="check-in"),
]
