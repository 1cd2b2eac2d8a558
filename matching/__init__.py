"""1121 matching: the pure-Python engine lives in matching.engine."""
