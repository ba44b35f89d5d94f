"""The shared language of codex-py: Ops, Events, model-facing items, ids and policies as plain data.

Pure data, no I/O, imports nothing of ours: every other package may depend on it.
"""
