"""Opt-in extras (``options``): confidence, location, portrait and warnings for a read card."""
