from django.http import HttpResponse


def as_download(response: HttpResponse, file_name: str) -> HttpResponse:
    """A public data file: saved under `file_name`, cacheable for five minutes."""
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "public, max-age=300"
    return response
