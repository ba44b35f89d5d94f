"""The tools the model may call: their JSON definitions per model family, their argument
handling and their output formats (what the official CLI sends back to the model).

Pure functions where possible: tool definitions and output formatting never do I/O; the only
module that touches the filesystem is `apply_patch.applier`, which writes a fully planned patch.
Running commands and sandboxing live in `codex.sandbox`; the agent loop lives in `codex.core`.
"""
