"""Personal data in the distinguished names that evidence quotes (stage: classification; PIPL art.
51, GB/T 35273-2020 §6.2 display masking): a 密评 finding names certificates by subject and issuer
(RFC 4514 strings, "CN=张三,emailAddress=zhangsan@example.gov.cn,serialNumber=110101..."), and a
personal certificate (an administrator's, a signing clerk's: GB/T 20518 person certificates) carries
its holder's name, ID number, phone and e-mail there (review r16f, MEDIUM).

The free-text masker (govsoc.classification.free_text) finds ID numbers, phones and e-mail
addresses anywhere, but a name needs context, and ``CN=`` is no column name: here the attribute
type is the context. A name attribute (givenName, surname, pseudonym, initials) is always a
person's; a commonName is one when it is a Chinese personal name (the cn_person_name recognizer's
own test: a known surname, or a minority name with a middle dot), since a server's or CA's CN is a
host or organisation name; an e-mail attribute is masked as an e-mail; every other value goes
through the free-text masker (an ID-number serialNumber, a telephoneNumber). Each masked form is
its recognizer's (govsoc.classification.masking).
"""

from __future__ import annotations

import re
from typing import Final

from govsoc.classification.free_text import mask_free_text
from govsoc.classification.masking import mask
from govsoc.classification.recognizer import recognizers

__all__ = ["mask_distinguished_names"]

#: RFC 4514 / RFC 5280 attribute types that only a person has, by name and by OID (cryptography
#: writes an attribute RFC 4514 gives no short name as its dotted OID: 2.5.4.5=..., 1.2.840...=...).
_PERSON: Final = frozenset({"gn", "givenname", "sn", "surname", "pseudonym", "initials", "2.5.4.42", "2.5.4.4",
                            "2.5.4.65", "2.5.4.43"})
_EMAIL: Final = frozenset({"emailaddress", "e", "email", "1.2.840.113549.1.9.1"})
_TYPES: Final = (r"GN|givenName|SN|surname|pseudonym|initials|emailAddress|E|serialNumber|telephoneNumber|UID|"
                 r"2\.5\.4\.(?:42|4|65|43|5|20)|1\.2\.840\.113549\.1\.9\.1|0\.9\.2342\.19200300\.100\.1\.1")
#: Any of those attributes and its value: the value runs to an unescaped ',' or '+' (RFC 4514 2.2),
#: or to the punctuation or blank evidence puts after a name.
_ATTRIBUTE: Final = re.compile(rf"(?<![\w.])(?P<type>{_TYPES})=(?P<value>(?:\\.|[^,+（）；，、：\\\s←])+)")
#: A commonName whose value is Chinese characters (a personal name has 2-4, or a minority name
#: with a middle dot); the characters after it are not Chinese (the evidence goes on in Chinese
#: after a blank or punctuation).
_COMMON_NAME: Final = re.compile(r"(?<![\w.])(?P<type>CN|commonName|2\.5\.4\.3)="
                                 r"(?P<value>[\u4e00-\u9fa5]{1,6}[·•][\u4e00-\u9fa5]{1,8}|[\u4e00-\u9fa5]{2,4})"
                                 r"(?![\u4e00-\u9fa5·•])")


def _masked(kind: str, value: str) -> str:
    kind = kind.lower()
    if kind in _PERSON:
        return mask("name", value)
    if kind in _EMAIL:
        return mask("email", value)
    return mask_free_text(value)


def _common_name(value: str) -> str:
    """A Chinese commonName masked when the person-name recognizer takes it for a name."""
    return mask("name", value) if recognizers.get("cn_person_name")().validate(value) is not None else value


def mask_distinguished_names(text: str) -> str:
    """``text`` with the personal data of every distinguished-name attribute in it masked, and the
    rest of it as the free-text masker shows it."""
    shown = _ATTRIBUTE.sub(lambda m: f"{m.group('type')}={_masked(m.group('type'), m.group('value'))}", text)
    shown = _COMMON_NAME.sub(lambda m: f"{m.group('type')}={_common_name(m.group('value'))}", shown)
    return mask_free_text(shown)
