"""Per-person rate limits counted in the cache: how many times someone did one thing in the current minute.

One counter per key, started by the first call of a minute and gone when the minute is over. The cache fails
soft (portal.cache): while it is away nobody is limited, which is better than refusing everyone.
"""

from django.core.cache import cache


def over_limit(key: str, *, per_minute: int) -> bool:
    """Count one more use of `key` and say whether it has been used more than `per_minute` times this minute."""
    key = f"throttle:{key}"
    if cache.add(key, 1, timeout=60):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=60)
        return False
    return count > per_minute
