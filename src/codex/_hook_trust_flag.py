"""`--dangerously-bypass-hook-trust`, shared by the root command and `exec` (as 0.169 has it).

Constants only, importing nothing: `codex exec --help` reads the help text, and that path must
stay free of dataclasses and typing (tests/exec/test_cli.py checks it).
"""

# `--dangerously-bypass-hook-trust` (root and `exec`, as 0.169): the flag is carried to the session
# as this dotted key with the command-line-flag origin, and honoured only with that origin
# (codex.tools.hooks), so neither a config file nor `-c` can switch hook review off.
BYPASS_HOOK_TRUST_KEY = "hooks.dangerously_bypass_trust"
BYPASS_HOOK_TRUST_HELP = (
    "Run enabled hooks without requiring persisted hook trust for this invocation. DANGEROUS. "
    "Intended only for automation that already vets hook sources"
)
