"""The client's address, for login lockout and API rate limits.

Behind a reverse proxy every request arrives from the proxy's address, so
counting failures by REMOTE_ADDR would let one attacker lock every user out.
X-Forwarded-For says who the proxy served, but anyone can send that header: it
is believed only when the peer is one of settings.LIANGHUI_TRUSTED_PROXIES
(addresses or networks), and then only up to the first hop that is not itself
a trusted proxy, read from the right, since each proxy appends the address it
was reached from.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """Networks from "10.0.0.0/8" or "192.0.2.7" (one address); ValueError on a bad one."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def trusted_proxies() -> tuple[Network, ...]:
    return parse_networks(tuple(getattr(settings, "LIANGHUI_TRUSTED_PROXIES", ())))


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str:
    """The address of whoever sent ``request``: the peer, or, when the peer is a
    trusted proxy, the nearest untrusted address in X-Forwarded-For."""
    meta = request.META
    peer = _address(meta.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return meta.get("REMOTE_ADDR", "") or ""
    networks = trusted_proxies()
    if not networks or not _trusted(peer, networks):
        return str(peer)
    client = peer
    hops = (meta.get("HTTP_X_FORWARDED_FOR", "") or "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # A hop nobody can read was not written by our proxies: stop at the
            # last one they vouch for.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
