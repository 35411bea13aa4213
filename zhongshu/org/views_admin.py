"""Placeholder: being written."""

from django.http import Http404


def account_action(request, *args, **kwargs):
    raise Http404


def account_detail(request, *args, **kwargs):
    raise Http404


def account_list(request, *args, **kwargs):
    raise Http404


def config_edit(request, *args, **kwargs):
    raise Http404


def grant_edit(request, *args, **kwargs):
    raise Http404


def grant_list(request, *args, **kwargs):
    raise Http404
