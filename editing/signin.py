"""Sign-in protection (django-axes): who a client is, and what a sign-in forgives.

Failures are counted per username and per client address, each against the
limit on its own (``AXES_LOCKOUT_PARAMETERS``), so neither rotating addresses nor
rotating usernames buys more guesses.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings


def client_address(request):
    """The address of the client, as far as we can trust it.

    Without proxies (``TRUSTED_PROXY_COUNT`` 0) it is the connection's own address
    and X-Forwarded-For, which anyone can send, is ignored. Each of N trusted
    proxies appends the address it was reached from, so the client is the Nth
    entry from the right; anything to the left of that was written by the client.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if not hops:  # not through the proxies (a health check, or a misconfiguration)
        return remote
    # Fewer entries than proxies: the request entered behind the outermost proxy,
    # and the leftmost entry is the address the first proxy it met saw.
    candidate = hops[-count] if len(hops) >= count else hops[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a proxy wrote something else: count by the connection
        return remote


class SignInHandler(AxesDatabaseHandler):
    """django-axes' database handler, with a narrower reset on success.

    axes' own reset deletes every failure matching any lockout parameter: all of
    the client's failures, whichever account they were aimed at. Then anyone with
    one account could sign in after every few guesses at another and never be
    locked out. A sign-in forgives only this client's failures at this account.
    """

    def reset_user_attempts(self, request, credentials=None):
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count
