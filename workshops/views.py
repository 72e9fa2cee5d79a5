"""Stub: replaced by the pages."""

from django.http import Http404


def workshop_list(request, *args, **kwargs):
    raise Http404


def my_registrations(request, *args, **kwargs):
    raise Http404


def certificate_verify(request, *args, **kwargs):
    raise Http404


def registration_detail(request, *args, **kwargs):
    raise Http404


def registration_cancel(request, *args, **kwargs):
    raise Http404


def certificate_pdf(request, *args, **kwargs):
    raise Http404


def workshop_detail(request, *args, **kwargs):
    raise Http404


def workshop_register(request, *args, **kwargs):
    raise Http404
