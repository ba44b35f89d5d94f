"""Local models: the `oss` providers (Ollama, LM Studio) and the embedded llama.cpp runtime.

Modules, one job each:

  models    `$CODEX_HOME/models/`: pull the pinned SmolLM2 GGUF, add any local GGUF, list them
  server    the child process (`python -m codex.local.server`) that runs xllamacpp's HTTP server
  runtime   start that child on 127.0.0.1 with a random port, wait for health, stop it for sure
  oss       `--oss` / `model_provider = "oss"`: pick the provider, check the server and the model,
            and hand exec a config whose provider points at it
  progress  the progress bar and spinner shown on a TTY stderr

The agent process never imports xllamacpp: llama.cpp runs its own threads and holds the model in
memory, so it lives in a child process that dies with its parent (stdin EOF, PR_SET_PDEATHSIG)
and codex stays light and exits cleanly even on Ctrl-C or SIGTERM.
"""
