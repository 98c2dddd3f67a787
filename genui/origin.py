"""Is a form post from this site? The one cross-site check every genui endpoint uses."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["cross_site_reason"]


def cross_site_reason(headers: Mapping[str, str], scheme: str, host: str | None) -> str | None:
    """Why a form post comes from another site (``None`` when it does not).

    Browsers send ``Sec-Fetch-Site`` with every request: only ``same-origin`` (a form
    of this page) and ``none`` (typed by the user) pass. A browser that does not send it
    is held to its ``Origin``, which must be this server's (``null``, sent under
    ``Referrer-Policy: no-referrer``, only counts together with ``Sec-Fetch-Site``).
    Clients that send neither header (curl, tests) are no cross-site threat and pass.

    >>> cross_site_reason({"sec-fetch-site": "cross-site"}, "https", "example.com")
    'cross-site form posts are refused (Sec-Fetch-Site: cross-site)'
    >>> cross_site_reason({"origin": "https://example.com"}, "https", "example.com") is None
    True
    """
    site = headers.get("sec-fetch-site")
    if site is not None:
        if site.strip().lower() in {"same-origin", "none"}:
            return None
        return f"cross-site form posts are refused (Sec-Fetch-Site: {site})"
    origin = headers.get("origin")
    if origin is None:
        return None
    if host is not None and origin.strip().lower() == f"{scheme}://{host}".lower():
        return None
    return "form posts from another origin are refused"
