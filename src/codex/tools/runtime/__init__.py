"""Tool handlers that do I/O: commands (pipes or PTY, long-lived exec sessions), apply_patch,
update_plan, view_image, and the router that dispatches a model's call to them. The session
(codex.core) builds a `ToolContext` per turn; handlers see nothing else of it."""
