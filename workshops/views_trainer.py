"""Stub: replaced by the pages."""

from django.http import Http404


def dashboard(request, *args, **kwargs):
    raise Http404


def workshop_create(request, *args, **kwargs):
    raise Http404


def workshop_overview(request, *args, **kwargs):
    raise Http404


def workshop_edit(request, *args, **kwargs):
    raise Http404


def workshop_publish(request, *args, **kwargs):
    raise Http404


def workshop_cancel(request, *args, **kwargs):
    raise Http404


def workshop_complete(request, *args, **kwargs):
    raise Http404


def participants(request, *args, **kwargs):
    raise Http404


def participants_csv(request, *args, **kwargs):
    raise Http404


def participant_add(request, *args, **kwargs):
    raise Http404


def check_in_manual(request, *args, **kwargs):
    raise Http404


def participant_cancel(request, *args, **kwargs):
    raise Http404


def check_in(request, *args, **kwargs):
    raise Http404
