"""`codex batch`: many `codex exec` tasks from one process, concurrently on one event loop.

`tasks` reads and validates the task file (everything is checked before anything runs),
`results` appends one whole, flushed JSON line per finished task and reads a previous RESULTS
file for `--resume`, `runner` runs the tasks as ordinary sessions, `command` is the CLI entry.
"""
