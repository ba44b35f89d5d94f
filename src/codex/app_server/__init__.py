"""`codex app-server`: the JSON-RPC protocol IDEs and the official Python SDK (`openai-codex`)
speak, over stdio (newline-delimited) or WebSocket (one message per frame).

One resident process serves many threads: each thread is a core session (opened through
`codex.core`'s ConversationManager, so its rollout is the file `codex exec` writes) with one
pump task mapping its events to notifications; requests are dispatched as they arrive, so a
slow turn never blocks another thread or the connection.

Modules, one job each: `framing` (bytes <-> messages, error shapes), `errors` (codes),
`transport_stdio` / `transport_ws` (the byte pipes), `connection` (one client: outgoing
queue, server->client requests), `server` (handshake and dispatch), `threads` / `turns`
(thread and turn methods), `notifications` (core events -> v2 notifications, pure),
`items` (thread items and turns from a rollout), `approvals` (server->client approval
requests), `account` (account, model and config methods), `commands` (command/exec),
`params` (request validation at the edge), `schema` (generate-json-schema / generate-ts).

Never writes anything but protocol messages to stdout; logs go to stderr.
"""
