"""How a user's e-mail address may appear outside the sessions table: masked, e.g. a***@example.com."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

MAX_ADDRESS_CHARS = 254   # the column's width, and the limit of an address in SMTP


def normalize_address(value: str) -> str:
    """The address as it is stored and mailed to: checked (syntax, length; no DNS look-up), the domain
    lower-cased and, when internationalized, in its ASCII (punycode) form.

    Raises ValueError saying what is wrong. Non-ASCII characters before the @ are refused: delivering to such
    addresses needs SMTPUTF8 on every server on the way, which a notification cannot count on.
    """
    try:
        checked = validate_email(value.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid e-mail address: {exc}") from None
    address = checked.ascii_email or checked.normalized
    if len(address) > MAX_ADDRESS_CHARS:
        raise ValueError(f"the e-mail address is longer than {MAX_ADDRESS_CHARS} characters")
    return address


def mask_address(address: str | None) -> str | None:
    """A hint that identifies the address to its owner without revealing it: first character, then the domain.

    Works for any address the validator accepts, including non-ASCII ones (the log formatter's own masking only
    recognises ASCII addresses).
    """
    if not address:
        return None
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"
