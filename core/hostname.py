"""Host names as DNS, TLS SNI and certificates carry them: A-labels (RFC 5890/5891, IDNA).

An inventory may write a Chinese-script name (门户.test, a .政务 or .中国 site) in U-labels; the
resolver, the server_name extension (RFC 6066 §3: "HostName" is an ASCII byte string) and a
certificate's dNSName (RFC 5280 4.2.1.6: IA5String, "internationalized domain names ... MUST be
converted to the ACE format") hold its A-labels (xn--...). ``a_label`` converts with the ``idna``
package (IDNA 2008 with UTS #46 mapping) when it is installed, else Python's own "idna" codec
(IDNA 2003); ``check_host_name`` says why a name cannot be a host name at all (a space, an empty
label, more than 253 characters), so the inventory refuses it at load with its file and line.
"""

from __future__ import annotations

import re

__all__ = ["a_label", "check_host_name"]

#: One label of a host name after IDNA: letters, digits, hyphens (RFC 952/1123); underscores are
#: let through, as resolvers do, for internal names (_sip, host_a).
_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


def a_label(name: str) -> str:
    """``name`` with every non-ASCII label as its A-label (xn--...); an ASCII name as it is.
    ValueError when a label cannot be converted (a symbol IDNA does not allow)."""
    text = name.strip()
    if text.isascii():
        return text
    trailing = "." if text.endswith(".") else ""
    try:
        import idna
    except ImportError:  # the codec of the standard library: IDNA 2003
        try:
            return text.rstrip(".").encode("idna").decode("ascii") + trailing
        except UnicodeError as e:
            raise ValueError(f"{name!r} is not a valid internationalized host name ({e})") from e
    try:
        return idna.encode(text.rstrip("."), uts46=True).decode("ascii") + trailing
    except idna.IDNAError as e:
        raise ValueError(f"{name!r} is not a valid internationalized host name ({e})") from e


def check_host_name(name: str) -> str | None:
    """Why ``name`` cannot be a host name (None when it can): after IDNA, 1-253 characters in
    labels of letters, digits and hyphens, each 1-63 long (RFC 1035 2.3.4, RFC 1123 2.1)."""
    try:
        text = a_label(name).rstrip(".")
    except ValueError as e:
        return str(e)
    if not text or len(text) > 253:
        return f"{name!r} is not a host name: it has {len(text)} characters (1 to 253 allowed)"
    bad = next((label for label in text.split(".") if not _LABEL.fullmatch(label)), None)
    if bad is not None:
        return (f"{name!r} is not a host name: label {bad!r} may hold only letters, digits and hyphens "
                "(1 to 63 characters; a space or another symbol is a typo)")
    return None
