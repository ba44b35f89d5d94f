"""`codex exec`: the headless front end. One job: run one turn of a session (new or resumed) for a
prompt taken from argv or stdin, and report it either as JSONL `ThreadEvent`s on stdout (`--json`,
what the official SDKs parse) or as human progress on stderr with only the final message on stdout.

It talks to the agent only through `codex.core`'s Op/Event stream; it never reaches into core's
internals, and it never writes anything but events (or the final message) to stdout.

Modules: `args` (flag set and validation), `request` (the validated `ExecRequest`), `prompt`
(stdin rules), `run` (pre-session checks and config), `driver` (the async loop: open the
session from `codex.core.setup`, submit the turn, route events, exit code), `events` (the
ThreadEvent types),
`event_processor_jsonl` / `event_processor_human` (pure mappings from core events to output),
`shell_quote` (upstream's argv display), `schema` (JSON Schema of the events).
"""
