"""`codex login`: API key from stdin, ChatGPT in the browser, or ChatGPT by device code; and
`codex login status`. Argument handling and messages only; the flows live in codex.auth
(reached through codex.api.credentials).

`status` is a positional word rather than a nested subparser, so a key pasted by mistake as an
argument is caught here and never echoed back by argparse, and the global options work after it.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from codex.cli.context import CliContext

if TYPE_CHECKING:
    from codex.api.credentials import AuthSettings
    from codex.config import Config

_EPILOG = """\
ChatGPT login runs a local callback server on 127.0.0.1:1455 (1457 when 1455 stays busy).
Environment: CODEX_APP_SERVER_LOGIN_ISSUER and CODEX_APP_SERVER_LOGIN_CLIENT_ID override the OAuth
issuer and client id (like --experimental_issuer / --experimental_client-id);
CODEX_REFRESH_TOKEN_URL_OVERRIDE and CODEX_REVOKE_TOKEN_URL_OVERRIDE the refresh and revoke
endpoints. The login log is codex-login.log in log_dir (default $CODEX_HOME/log; it never contains
secrets)."""

PIPE_HINT = "printenv OPENAI_API_KEY | codex login --with-api-key"
ACCESS_TOKEN_HINT = "printenv CODEX_ACCESS_TOKEN | codex login --with-access-token"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = _EPILOG
    parser.add_argument(
        "action",
        nargs="?",
        metavar="status",
        help="status: show which credentials are active (exit code 1 when not logged in)",
    )
    parser.codex_words = ("status",)  # type: ignore[attr-defined]  # for the --help walker
    parser.add_argument(
        "--with-api-key",
        action="store_true",
        help=f"Read the API key from stdin (e.g. `{PIPE_HINT}`)",
    )
    parser.add_argument(
        "--with-access-token",
        action="store_true",
        help=f"Read the access token from stdin (e.g. `{ACCESS_TOKEN_HINT}`)",
    )
    parser.add_argument("--api-key", metavar="KEY", help=argparse.SUPPRESS)
    parser.add_argument(
        "--device-auth",
        action="store_true",
        help="Sign in with ChatGPT using a device code (for remote or headless machines)",
    )
    parser.add_argument(
        "--experimental_issuer",
        metavar="URL",
        help="Use another OAuth issuer base URL (advanced; tests point it at a local issuer)",
    )
    parser.add_argument(
        "--experimental_client-id",
        dest="experimental_client_id",
        metavar="ID",
        help="Use another OAuth client id (advanced)",
    )
    parser.add_argument(
        "--callback-port",
        type=int,
        metavar="PORT",
        help="Port for the local callback server (default 1455; 0 picks a free port)",
    )
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="Do not try to open a browser; print the sign-in URL only",
    )


def auth_settings(ctx: CliContext) -> AuthSettings:
    from codex.api.credentials import AuthSettings

    return AuthSettings.from_config(ctx.load_config())


def echo_auth_warnings() -> None:
    """Warnings from codex.auth on stderr, as `warning: ...` lines; errors reach the user as the
    command's own one-line message, so only warnings are echoed."""
    import logging

    logger = logging.getLogger("codex.auth")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)
    console.addFilter(lambda record: record.levelno == logging.WARNING)
    console.setFormatter(logging.Formatter("warning: %(message)s"))
    logger.addHandler(console)


def start_login_log(config: Config) -> None:
    """Warnings from codex.auth to stderr, and INFO and above to `<log_dir>/codex-login.log`
    (0600, created by its first line; `log_dir` as every log file's, codex.config.log_dir).
    Only the login flows log there: 0.169 writes no login log for `login status` or `logout`."""
    import logging

    from codex.config.paths import log_dir
    from codex.core.logs import LazyLogFile

    echo_auth_warnings()
    logging.getLogger("codex.auth").addHandler(LazyLogFile(log_dir(config) / "codex-login.log"))


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.api_key is not None:
        _say(
            f"The --api-key flag is no longer supported. Pipe the key instead, e.g. `{PIPE_HINT}`."
        )
        return 1
    if args.action not in (None, "status"):
        # Never echo it: it may well be a key.
        _say(
            "codex login takes no positional argument other than `status`. An API key must not be "
            f"given on the command line (shell history, process list); pipe it: `{PIPE_HINT}`."
        )
        return 2
    config = ctx.load_config()
    settings = _settings_of(config)
    if args.action == "status":
        echo_auth_warnings()
        return _status(settings)
    start_login_log(config)
    if args.with_access_token:
        return _login_access_token(settings, config.chatgpt_base_url)
    if args.with_api_key:
        return _login_api_key(settings)
    return _login_chatgpt(args, settings)


def _status(settings: AuthSettings) -> int:
    from codex.api.credentials import AuthError, AuthManager, mask_api_key

    try:
        manager = AuthManager.from_settings(settings)
    except AuthError as err:
        _say(f"Error checking login status: {err}")
        return 1
    auth = manager.auth()
    if auth is None:
        if manager.load_error is not None:
            _say(f"Error checking login status: {manager.load_error}")
            return 1
        _say("Not logged in")
        return 1
    if auth.is_api_key:
        _say(f"API key configured - {mask_api_key(auth.api_key or '')}")
        _say("Authentication is checked when you send a request.")
        return 0
    if auth.mode == "agentIdentity":
        _say("Logged in using access token")  # 0.169's words
        return 0
    details = ", ".join(
        part
        for part in (
            auth.email and f"account {auth.email}",
            auth.plan_type and f"plan {auth.plan_type}",
        )
        if part
    )
    _say("Logged in using ChatGPT" + (f" ({details})" if details else ""))
    return 0


def _login_api_key(settings: AuthSettings) -> int:
    from codex.api.credentials import AuthError, check_login_method, login_with_api_key

    if sys.stdin is None or sys.stdin.isatty():
        _say(f"--with-api-key expects the API key on stdin. Try piping it, e.g. `{PIPE_HINT}`.")
        return 1
    _say("Reading API key from stdin...")
    key = sys.stdin.read().strip()
    if not key:
        _say("No API key provided via stdin.")
        return 1
    import logging

    logging.getLogger("codex.auth").info("starting api key login flow")  # 0.169's first line
    try:
        check_login_method("api", settings.forced_login_method)
        login_with_api_key(settings, key)
    except AuthError as err:
        _say(str(err))
        return 1
    _say("API key saved. Authentication is checked when you send a request.")
    return 0


def _login_access_token(settings: AuthSettings, chatgpt_base_url: str) -> int:
    """0.169's `--with-access-token`: the token from stdin, checked, saved; its messages."""
    import logging

    from codex.core.auth import AuthError, check_login_method, login_with_access_token

    if sys.stdin is None or sys.stdin.isatty():
        _say(
            "--with-access-token expects the access token on stdin. Try piping it, e.g. "
            f"`{ACCESS_TOKEN_HINT}`."
        )
        return 1
    _say("Reading access token from stdin...")
    token = sys.stdin.read().strip()
    if not token:
        _say("No access token provided via stdin.")
        return 1
    try:
        check_login_method("chatgpt", settings.forced_login_method)
    except AuthError:
        _say("Access token login is disabled. Use API key login instead.")
        return 1
    log = logging.getLogger("codex.auth")
    log.info("starting access token login flow")
    try:
        login_with_access_token(settings, token, chatgpt_base_url=chatgpt_base_url)
    except AuthError as err:
        log.error("access token login failed: %s", err)  # never the token itself
        _say(f"Error logging in with access token: {err}")
        return 1
    _say("Successfully logged in")
    return 0


def _settings_of(config: object) -> AuthSettings:
    from codex.core.auth import AuthSettings

    return AuthSettings.from_config(config)


def _login_chatgpt(args: argparse.Namespace, settings: AuthSettings) -> int:
    import logging

    from codex.api import credentials as auth
    from codex.api.credentials import AuthError, LoginCancelled, LoginOptions, check_login_method

    log = logging.getLogger("codex.auth")
    try:
        check_login_method("chatgpt", settings.forced_login_method)
    except AuthError as err:
        _say(str(err))
        return 1
    opts = LoginOptions(
        auth_settings=settings,
        issuer=auth.issuer(args.experimental_issuer),
        client_id=auth.client_id(args.experimental_client_id),
        port=auth.DEFAULT_PORT if args.callback_port is None else args.callback_port,
    )
    try:
        if args.device_auth:
            from codex.api.credentials import run_device_code_login

            log.info("starting device code login flow")
            run_device_code_login(opts)
        else:
            log.info("starting browser login flow")
            _browser_flow(opts, open_browser=not args.no_browser)
    except LoginCancelled as err:
        _say(f"Error logging in: {err}")
        return 1
    except AuthError as err:
        log.error("login failed: %s", err)
        _say(f"Error logging in: {err}")
        return 1
    except KeyboardInterrupt:
        _say("Error logging in: interrupted")
        return 130
    log.info("login succeeded")
    _say("Successfully logged in")
    return 0


def _browser_flow(opts: object, *, open_browser: bool) -> None:
    from codex.api.credentials import LoginFlow

    flow = LoginFlow(opts)  # type: ignore[arg-type]
    _say(
        f"Starting local login server on http://localhost:{flow.port}.\n"
        "If your browser did not open, navigate to this URL to authenticate:\n\n"
        f"{flow.auth_url}\n\n"
        "On a remote or headless machine? Use `codex login --device-auth` instead."
    )
    if open_browser and _has_browser():
        import webbrowser

        try:
            webbrowser.open(flow.auth_url)  # GUI browsers are started in the background
        except Exception as err:  # a broken $BROWSER must not end the login: the URL is printed
            _say(f"warning: could not open a browser ({type(err).__name__})")
    try:
        flow.wait()
    except KeyboardInterrupt:
        flow.close()
        raise


def _has_browser() -> bool:
    """A graphical browser can plausibly open: never on a Linux box without a display (where
    `webbrowser` would start a text browser in this terminal)."""
    import os

    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
