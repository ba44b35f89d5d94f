"""Pure-Python twins of the C engines: the executable reference the C is tested against, and the
fallback when the extension is missing. Behaviour must match the C exactly; speed need not."""
