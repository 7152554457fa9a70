"""Tools that produce the model files the processor loads (fetch, convert, optimise)."""
