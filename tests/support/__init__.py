"""Test support shared by every test package: the mock model server and its scripted replies.

`mock_model_server` (module) is the server, `model_stream` the reply scripts, `fixtures` the
pytest fixtures that tests/conftest.py re-exports.
"""
