from django.shortcuts import render


def not_found(request, exception=None):
    return render(request, "core/error.html", {"code": 404}, status=404)


def forbidden(request, exception=None):
    return render(request, "core/error.html", {"code": 403}, status=403)


def server_error(request):
    return render(request, "core/error.html", {"code": 500}, status=500)
