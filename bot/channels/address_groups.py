"""Who counts as one client for the per-address limits, and the anonymous key the action server sees.

IPv4: one address. IPv6: its /64 network, because one home or phone is usually given a whole /64 and
can pick a new address in it for every request, so per-address limits on single IPv6 addresses would
not limit anyone. An IPv4 address written as IPv6 (::ffff:192.0.2.7) counts as that IPv4 address.

`client_key` is a keyed hash of the group, so the action server can limit callback requests per client
(actions/callback_limits.py) without ever seeing the address. It goes in each message's metadata and is
never stored: the tracker store keeps only the tenant (bot/tracker_store.py, KEPT_METADATA).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress

IPV6_GROUP_PREFIX = 64
CLIENT_KEY_BYTES = 16


def address_group(address: str) -> str:
    """The per-address limits' key for `address`; anything that is not an IP address is returned as it is."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_GROUP_PREFIX), strict=False))
    return str(ip)


def client_key(secret: bytes, group: str) -> str:
    """A short keyed hash of an address group: the same for one client on every server with the same
    secret, and useless for finding the address (which would need the secret and a search)."""
    digest = hmac.new(secret, b"client-key:" + group.encode("utf-8", "replace"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:CLIENT_KEY_BYTES]).rstrip(b"=").decode("ascii")
