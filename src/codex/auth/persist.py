"""Saving the result of a ChatGPT login (browser or device code) in upstream's layout, and
revoking the tokens it supersedes."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from codex.auth import jwt
from codex.auth.errors import AuthError
from codex.auth.oauth import ExchangedTokens
from codex.auth.record import MODE_CHATGPT, AuthRecord, TokenData
from codex.auth.settings import AuthSettings
from codex.auth.storage import create_storage, locked

log = logging.getLogger("codex.auth")


def chatgpt_record(tokens: ExchangedTokens, api_key: str | None) -> AuthRecord:
    account = jwt.auth_claims(tokens.id_token).get("chatgpt_account_id")
    token_data = TokenData(
        id_token=tokens.id_token,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        account_id=account if isinstance(account, str) else None,
    )
    token_data.id_info  # noqa: B018 -- raises JwtError (a ValueError) for a malformed id_token
    return AuthRecord(
        auth_mode=MODE_CHATGPT,
        openai_api_key=api_key,
        tokens=token_data,
        last_refresh=datetime.now(UTC),
    )


def persist_chatgpt_login(
    auth_settings: AuthSettings, tokens: ExchangedTokens, api_key: str | None
) -> AuthRecord:
    from codex.auth.manager import revoke_record

    try:
        record = chatgpt_record(tokens, api_key)
    except ValueError as err:
        raise AuthError(f"the issuer returned an unusable id_token: {err}") from None
    storage = create_storage(auth_settings.codex_home, auth_settings.store_mode)
    with locked(auth_settings.codex_home):
        try:
            previous = storage.load()
        except AuthError as err:
            log.warning("failed to load previous auth before saving new login: %s", err)
            previous = None
        storage.save(record)
    if previous is not None and previous.tokens is not None:
        old, new = previous.tokens, record.tokens
        assert new is not None
        if old.refresh_token != new.refresh_token or old.access_token != new.access_token:
            revoke_record(previous)
    log.info("saved ChatGPT credentials (%s storage)", auth_settings.store_mode)
    return record
