"""Sign-in lockout (django-axes, editing.signin): failures count per username and per
client, a sign-in elsewhere forgives nothing, and behind proxies the client is the
address the trusted proxies saw."""

import pytest
from django.test import Client, RequestFactory

from editing.signin import client_address

pytestmark = pytest.mark.usefixtures("empty_content")

LOGIN = "/admin/login/"
PROXY = "10.0.0.2"  # the proxy in front of the app servers


@pytest.fixture
def accounts(django_user_model):
    django_user_model.objects.create_superuser("admin", "a@example.com", "admin-password")
    django_user_model.objects.create_user("eddie", password="eddie-password", is_staff=True)


def sign_in(client, username, password):
    """The admin login's answer: 302 signed in, 200 the form again, 429 locked out."""
    return client.post(LOGIN, {"username": username, "password": password}).status_code


def behind_proxy(forwarded_for):
    """A client the proxy reports as ``forwarded_for`` (its X-Forwarded-For as sent on)."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_signing_in_to_another_account_between_guesses_does_not_reset_the_count(accounts):
    client = Client()
    guesses, own_sign_ins = [], []
    for guess in range(20):
        guesses.append(sign_in(client, "admin", f"guess-{guess}"))
        if guess % 4 == 3:  # the attacker's own account, after every fourth guess
            own_sign_ins.append(sign_in(Client(), "eddie", "eddie-password"))
    assert own_sign_ins[0] == 302
    assert guesses[:4] == [200] * 4
    assert set(guesses[4:]) == {429}  # locked from the fifth guess on
    assert sign_in(client, "admin", "admin-password") == 429


def test_a_sign_in_does_not_reset_the_clients_count_of_other_accounts(accounts):
    client = Client()
    for n in range(4):
        assert sign_in(client, f"user{n}", "wrong") == 200
    assert sign_in(Client(), "eddie", "eddie-password") == 302
    assert sign_in(client, "user4", "wrong") == 429  # the client's fifth failure
    assert sign_in(Client(), "eddie", "eddie-password") == 429


def test_five_failures_from_one_client_lock_it_whatever_the_usernames(accounts):
    client = Client()
    for n in range(5):
        assert sign_in(client, f"user{n}", "wrong") in (200, 429)
    assert sign_in(client, "eddie", "eddie-password") == 429
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), "eddie", "eddie-password") == 302


def test_five_failures_at_one_username_from_five_clients_lock_the_username(accounts, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        assert sign_in(behind_proxy(f"203.0.113.{n + 1}"), "admin", "wrong") in (200, 429)
    # The right password from a sixth client is refused too...
    assert sign_in(behind_proxy("203.0.113.99"), "admin", "admin-password") == 429
    # ...but none of the five clients is locked out of another account.
    assert sign_in(behind_proxy("203.0.113.1"), "eddie", "eddie-password") == 302


def test_a_sign_in_forgives_that_clients_own_failures_at_that_account(accounts):
    client = Client()
    for _ in range(4):
        assert sign_in(client, "eddie", "typo") == 200
    assert sign_in(client, "eddie", "eddie-password") == 302
    for _ in range(4):  # four more typos another day are not the fifth and later
        assert sign_in(Client(), "eddie", "typo") == 200
    assert sign_in(Client(), "eddie", "eddie-password") == 302


def test_behind_the_proxy_clients_are_counted_apart_and_cannot_pose_as_others(accounts, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        assert sign_in(behind_proxy("203.0.113.1"), f"user{n}", "wrong") in (200, 429)
    assert sign_in(behind_proxy("203.0.113.1"), "eddie", "eddie-password") == 429
    # Another client behind the same proxy is not locked out.
    assert sign_in(behind_proxy("203.0.113.2"), "eddie", "eddie-password") == 302
    # The locked-out client sends an X-Forwarded-For of its own; the proxy appends
    # the address it really came from, and that is the one counted.
    spoofed = behind_proxy("203.0.113.2, 203.0.113.1")
    assert sign_in(spoofed, "eddie", "eddie-password") == 429


def test_without_trusted_proxies_x_forwarded_for_is_ignored(accounts, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):  # five "different" clients by the header: one by the connection
        client = Client(REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert sign_in(client, f"user{n}", "wrong") in (200, 429)
    fresh = Client(REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.200")
    assert sign_in(fresh, "eddie", "eddie-password") == 429


def test_the_lockout_page_is_a_clear_429(accounts):
    client = Client()
    for n in range(5):
        sign_in(client, "admin", f"guess-{n}")
    response = client.post(LOGIN, {"username": "admin", "password": "admin-password"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts at this account or from this network" in (
        response.text
    )
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxies: the header is the client's own
        (1, "", "10.0.0.2"),  # past the proxy: the connection
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the client's entry is ignored
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),  # entered at the inner proxy
        (1, "2001:DB8::1", "2001:db8::1"),
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_the_client_address_is_the_nth_entry_from_the_right(
    settings, count, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **headers)
    assert client_address(request) == expected
