"""Public workshop pages at /pelatihan/ (namespace `workshops`, see workshops.views)."""

from django.urls import path

from . import views

app_name = "workshops"

urlpatterns = [
    path("", views.workshop_list, name="list"),
    path("saya/", views.my_registrations, name="mine"),
    path("sertifikat/", views.certificate_lookup, name="certificate-lookup"),
    path("sertifikat/<str:code>/", views.certificate_verify, name="certificate-verify"),
    path("pendaftaran/<int:pk>/", views.registration_detail, name="registration"),
    path("pendaftaran/<int:pk>/batal/", views.registration_cancel, name="registration-cancel"),
    path("pendaftaran/<int:pk>/sertifikat.pdf", views.certificate_pdf, name="certificate-pdf"),
    path("<slug:slug>/", views.workshop_detail, name="detail"),
    path("<slug:slug>/daftar/", views.workshop_register, name="register"),
]
