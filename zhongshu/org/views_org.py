"""Placeholder: being written."""

from django.http import Http404


def department_create(request, *args, **kwargs):
    raise Http404


def department_delete(request, *args, **kwargs):
    raise Http404


def department_edit(request, *args, **kwargs):
    raise Http404


def department_list(request, *args, **kwargs):
    raise Http404


def export_departments(request, *args, **kwargs):
    raise Http404


def export_people(request, *args, **kwargs):
    raise Http404


def import_template(request, *args, **kwargs):
    raise Http404


def import_upload(request, *args, **kwargs):
    raise Http404


def person_create(request, *args, **kwargs):
    raise Http404


def person_detail(request, *args, **kwargs):
    raise Http404


def person_edit(request, *args, **kwargs):
    raise Http404


def person_list(request, *args, **kwargs):
    raise Http404


def position_create(request, *args, **kwargs):
    raise Http404


def position_delete(request, *args, **kwargs):
    raise Http404


def position_edit(request, *args, **kwargs):
    raise Http404


def position_list(request, *args, **kwargs):
    raise Http404


def post_create(request, *args, **kwargs):
    raise Http404


def post_delete(request, *args, **kwargs):
    raise Http404


def unit_create(request, *args, **kwargs):
    raise Http404


def unit_edit(request, *args, **kwargs):
    raise Http404


def unit_list(request, *args, **kwargs):
    raise Http404
