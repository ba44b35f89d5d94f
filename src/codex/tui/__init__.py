"""The interactive front end (`codex [PROMPT]`, `codex resume`, `codex fork`), built on Textual.

It speaks only Op/Event to core through `codex.api` (layering: tests/test_layering.py). Modules:
`launch` (terminal checks, config, hands over to the app; the only door from cli), `app` (the
Textual app and the session worker), `mapper` (events → transcript cells), `cells` (what each
entry of the transcript looks like), `transcript` (the virtualised view), `widgets` (composer,
status line, approval dialog), `slash` (slash commands), `picker` (resume picker), `trust`
(the trust prompt). Importing this package imports nothing else: Textual loads only when the
TUI runs.
"""
