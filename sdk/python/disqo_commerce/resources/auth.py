from __future__ import annotations

from typing import Optional

from disqo_commerce._core import RequestOptions, Session
from disqo_commerce.generated import auth as gen
from disqo_commerce.generated.auth import AuthResult, TokenPair, User


class AuthResource:
    """Accounts and sessions: register, log in, refresh, log out, and the caller's profile.
    The client keeps the tokens."""

    def __init__(self, session: Session) -> None:
        self._session = session
        client = session.api_client(gen)
        self._auth = gen.AuthApi(client)
        self._users = gen.UsersApi(client)
        session.refresh_call = lambda token: self._auth.refresh_tokens(gen.RefreshRequest(refresh_token=token))

    def register(self, email: str, password: str, first_name: str, last_name: str, *, options: Optional[RequestOptions] = None) -> AuthResult:
        """Creates a customer account and logs it in: the client holds the new tokens."""
        body = gen.RegisterRequest(email=email, password=password, first_name=first_name, last_name=last_name)
        result = self._session.call(options, lambda: self._auth.register_user(body))
        self._session.store_tokens(result.tokens)
        return result

    def login(self, email: str, password: str, *, options: Optional[RequestOptions] = None) -> AuthResult:
        """Logs in: the client holds the tokens for the calls that follow."""
        body = gen.LoginRequest(email=email, password=password)
        result = self._session.call(options, lambda: self._auth.login_user(body))
        self._session.store_tokens(result.tokens)
        return result

    def refresh(self, refresh_token: Optional[str] = None, *, options: Optional[RequestOptions] = None) -> TokenPair:
        """Exchanges the refresh token (the client's, or the one given) for a new pair, which the
        client then holds. The client also does this by itself when an access token expired."""
        token = refresh_token or self._session.refresh_token
        if not token:
            raise ValueError("auth.refresh(): no refresh token; log in first or pass one.")
        pair = self._session.call(options, lambda: self._auth.refresh_tokens(gen.RefreshRequest(refresh_token=token)))
        self._session.store_tokens(pair)
        return pair

    def logout(self, refresh_token: Optional[str] = None, *, options: Optional[RequestOptions] = None) -> None:
        """Revokes the refresh token (the client's, or the one given) and, when it is the
        client's, forgets the tokens. Logging out twice is not an error."""
        held = self._session.refresh_token
        token = refresh_token or held
        if token:
            self._session.call(options, lambda: self._auth.logout_user(gen.RefreshRequest(refresh_token=token)))
        if token is None or token == held:
            self._session.set_tokens(None, None)

    def me(self, *, options: Optional[RequestOptions] = None) -> User:
        """The logged-in user's profile."""
        return self._session.call(options, lambda: self._users.get_current_user())
