from django.http import HttpRequest, HttpResponse


def project_map(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def flag_queue(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
