"""`codex exec`: the headless front end. One job: run one turn of a session (new or resumed) for a
prompt taken from argv or stdin, and report it either as JSONL `ThreadEvent`s on stdout (`--json`,
what the official SDKs parse) or as human progress on stderr with only the final message on stdout.

It talks to the agent only through `codex.core`'s Op/Event stream; it never reaches into core's
internals, and it never writes anything but events (or the final message) to stdout.

Modules: `args` (flag set and validation), `request` (the validated `ExecRequest`), `prompt`
(stdin rules), `run` (pre-session checks, config, the output format), `driver` (the async loop:
one `codex.core.open_session` call with exec's `FrontEnd` record, submit the turn, hand events
to the `EventProcessor`, exit code), `schema` (JSON Schema of the events). The ThreadEvent
types and both processors live in `codex.thread_events`, where every front end can use them.
"""
