"""The session viewer front end (`codex viewer`): a read-only local web app over recorded
sessions. FastAPI and uvicorn (the `viewer` extra) are imported only by this package."""
