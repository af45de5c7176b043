"""Requests refused, or cleaned, before anything else reads them."""

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.views.defaults import bad_request

NUL = "\x00"


def _has_nul(form):
    return any(NUL in key or any(NUL in value for value in values) for key, values in form.lists())


def _form_has_nul(request):
    if request.method != "POST":
        return False
    try:
        form = request.POST  # parsed once and kept for the view
    except (ValueError, OSError, BadRequest, SuspiciousOperation, MultiPartParserError):
        # Too large, malformed or cut short: left for the view, which answers it as it
        # would have (several check the size before they read the form at all).
        return False
    return _has_nul(form)


def refuse_nul_bytes(get_response):
    """A NUL character in the address is a 404, in the query string or a form a 400.

    No slug, token, search or answer of ours can hold one, and PostgreSQL refuses
    one in any text it is sent, so a NUL that reached a query would be a 500
    (SQLite just finds nothing). A cookie holding one is dropped rather than
    refused, so that a bad cookie (which the reader may not be able to clear)
    cannot shut anyone out: a session cookie with a NUL is no session. Uploaded
    files' contents are not looked at.
    """

    def middleware(request):
        if NUL in request.path_info:
            raise Http404("No page has a NUL character in its address.")
        if _has_nul(request.GET) or _form_has_nul(request):
            return bad_request(request, exception=None)
        cookies = request.COOKIES
        if any(NUL in name or NUL in value for name, value in cookies.items()):
            request.COOKIES = {k: v for k, v in cookies.items() if NUL not in k + v}
        return get_response(request)

    return middleware
