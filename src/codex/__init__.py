"""codex-py: a terminal coding agent, drop-in compatible with OpenAI's Codex CLI.

`import codex` is also the in-process Python API, shaped like the official SDK (`openai-codex`):
`from codex import Codex, AsyncCodex, Sandbox, ...` (codex.sdk). Those names load on first use:
this module must stay import-free, since `codex --version` pays for everything imported here.
"""

__version__ = "0.169.0"

# The official SDK's lowercase exports (`from openai_codex import retry_on_overload`).
_SDK_FUNCTIONS = ("is_retryable_error", "retry_on_overload")

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def __getattr__(name: str) -> "Any":
    """The SDK's names (`codex.Codex`, ...), imported from codex.sdk only when first asked for."""
    # SDK names are CapWords but for the two helpers below; other lowercase names are
    # submodules (`from codex import api` asks here first), which must not pay for codex.sdk.
    if not name[:1].isupper() and name not in _SDK_FUNCTIONS:
        raise AttributeError(f"module 'codex' has no attribute {name!r}")
    import codex.sdk as sdk

    if name not in sdk.__all__:
        raise AttributeError(f"module 'codex' has no attribute {name!r}")
    value = getattr(sdk, name)
    globals()[name] = value
    return value
