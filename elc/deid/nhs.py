"""NHS number validation (modulus 11 check digit)."""

from __future__ import annotations

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def nhs_check_digit(first_nine: str) -> int | None:
    """Return the check digit for nine digits, or ``None`` when no valid check digit exists."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("expected exactly nine digits")
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(value: str) -> bool:
    """True if ``value`` (spaces and hyphens ignored) is ten digits passing the modulus 11 check."""
    digits = "".join(ch for ch in value if ch not in " -")
    if len(digits) != 10 or not digits.isdigit():
        return False
    if len(set(digits)) == 1:  # 0000000000, 1111111111 ... pass the arithmetic but are never issued
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])
