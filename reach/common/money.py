"""Money as integer minor units with a currency code, and the numbers people write for it.

Major units (`4.5` yuan, `150000` dong) are parsed as Decimal, never as a float, and become
minor units only when they are a whole number of them."""

from decimal import Decimal, InvalidOperation

from reach.common.languages import lang_key

CURRENCY_EXPONENTS = {"VND": 0, "CNY": 2}
MAX_DIGITS = 15  # numbers people write stay below 10**15 (no amount comes near it)


def to_decimal(value: object) -> Decimal | None:
    """A number as written: an int, a decimal string or a float (read back through its shortest
    repr, so `4.5` stays exactly 4.5); None when it is not a finite number below 10**15."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    if not number.is_finite() or (number and number.adjusted() >= MAX_DIGITS):
        return None
    return number


def to_minor(value: object, currency: str) -> int | None:
    """Major units -> integer minor units; None unless a whole number of minor units."""
    number = to_decimal(value)
    if number is None:
        return None
    scaled = number.scaleb(CURRENCY_EXPONENTS[currency])
    if scaled != scaled.to_integral_value():
        return None
    return int(scaled)


def plain(number: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 2000, 4.5, 0.05."""
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def format_major(minor: int, currency: str, *, lang: str | None = None) -> str:
    """Minor units as major units: `2000`, `4.5`; grouped by thousands when `lang` is given
    (`150,000` in en and zh, `150.000` in vi)."""
    text = plain(Decimal(minor).scaleb(-CURRENCY_EXPONENTS[currency]))
    if lang is None:
        return text
    whole, _dot, fraction = text.lstrip("-").partition(".")
    thousands, decimal_mark = (".", ",") if lang_key(lang) == "vi" else (",", ".")
    grouped = f"{int(whole):,}".replace(",", thousands)
    sign = "-" if text.startswith("-") else ""
    return sign + grouped + (decimal_mark + fraction if fraction else "")
