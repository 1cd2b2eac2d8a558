"""The arithmetic of income distribution (pure functions, no database).

Remainder rule (largest remainder, 最大余额法): every part is first rounded DOWN to the fen (0.01 CNY);
the fen left over (fewer than the number of parts) go one each to the parts with the largest discarded
fractions, ties to the part listed first. The parts therefore always sum exactly to the amount, no part
differs from its exact share by a fen or more, and the result does not depend on anything but the input.
"""
from decimal import ROUND_DOWN, Decimal

FEN = Decimal("0.01")
HUNDRED = Decimal("100")


def split_amount(amount: Decimal, weights: list[tuple[object, Decimal]]) -> dict:
    """`amount` split by `weights` [(key, percent), …] that sum to 100: {key: Decimal}, summing to `amount`."""
    amount = Decimal(amount).quantize(FEN)
    total_weight = sum((Decimal(w) for _key, w in weights), Decimal(0))
    if not weights or total_weight <= 0:
        raise ValueError("split_amount needs positive weights")
    cents = int(amount / FEN)
    parts, fractions = {}, []
    for index, (key, weight) in enumerate(weights):
        exact = Decimal(cents) * Decimal(weight) / total_weight
        floor = int(exact.to_integral_value(rounding=ROUND_DOWN))
        parts[key] = floor
        fractions.append((exact - floor, -index, key))
    left = cents - sum(parts.values())
    for _fraction, _index, key in sorted(fractions, reverse=True)[:left]:
        parts[key] += 1
    return {key: Decimal(value) * FEN for key, value in parts.items()}


def split_shares(shares: Decimal, weights: list[tuple[object, Decimal]]) -> dict:
    """The same rule for a number of shares, to 0.0001 share."""
    unit = Decimal("0.0001")
    scaled = split_amount(Decimal(shares) / unit * FEN, weights)
    return {key: (value / FEN * unit).quantize(unit) for key, value in scaled.items()}
