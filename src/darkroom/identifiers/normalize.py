"""Normalizing the handles that name accounts, so one number on two devices is one account key.

Each function returns a clean value or None (never a sentinel string).
"""

from __future__ import annotations

import re

import phonenumbers

# Platforms whose handle is a phone number (WhatsApp JIDs are numbers too: 4741234567@s.whatsapp.net).
PHONE_PLATFORMS = frozenset({"whatsapp", "sms", "phone", "signal", "imessage-phone"})
# Platforms whose accounts are numbers (or an Apple ID email): there a handle that is neither is only
# the name a chat export showed, the name one device saved someone under.
NUMBER_PLATFORMS = PHONE_PLATFORMS | {"mms", "imessage", "viber"}
_E164 = re.compile(r"\+\d{6,15}")
_JID_SERVER = re.compile(r"@(s\.whatsapp\.net|c\.us)$", re.IGNORECASE)  # not @lid, @g.us: no numbers
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_phone(raw: str, region: str) -> str | None:
    """E.164 (`+4741234567`) for anything phonenumbers accepts as a possible number, else None.

    Possible rather than valid: numbers reserved for drama (UK 07700 900xxx) and newly
    allocated ranges are real identifiers in a case even when the metadata does not list them.
    """
    text, was_jid = _JID_SERVER.subn("", raw.strip())
    if was_jid and text.isdigit():
        text = "+" + text  # a JID's user part is the full international number without '+'
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str | None:
    """Lower-cased address when it has the shape local@domain.tld, else None."""
    text = raw.strip().removeprefix("mailto:").strip("<>").strip()
    if not _EMAIL.match(text):
        return None
    return text.lower()


def is_e164(handle_norm: str) -> bool:
    """A normalized handle that is a phone number."""
    return bool(_E164.fullmatch(handle_norm))


def is_saved_name(platform: str, handle_norm: str) -> bool:
    """A number platform's handle that is neither number nor address: a saved name ("David")."""
    return platform in NUMBER_PLATFORMS and not is_e164(handle_norm) and "@" not in handle_norm


def normalize_handle(platform: str, raw: str, region: str) -> str:
    """The account key for a handle on a platform: E.164 for phone platforms, lower-case otherwise."""
    if platform in PHONE_PLATFORMS:
        phone = normalize_phone(raw, region)
        if phone:
            return phone
    if platform == "email":
        email = normalize_email(raw)
        if email:
            return email
    return " ".join(raw.split()).casefold()
