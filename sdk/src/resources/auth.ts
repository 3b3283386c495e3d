import { AuthApi, Configuration } from "../generated/auth/index.js";
import type { AuthResult, LoginRequest, RefreshRequest, RegisterRequest, TokenPair } from "../generated/auth/index.js";
import { ApiPromise } from "../api-promise.js";
import type { AllowUndefined, Core, RequestOptions } from "../core.js";

/** Accounts and sessions: register, log in, refresh and log out. The client keeps the tokens. */
export class AuthResource {
  private readonly api: AuthApi;

  constructor(private readonly core: Core) {
    this.api = new AuthApi(new Configuration({ basePath: core.basePath, fetchApi: core.fetchApi }));
    core.refreshCall = (refresh_token, override) => this.api.refreshTokens({ RefreshRequest: { refresh_token } }, override);
  }

  /** Creates a customer account and logs it in: the client holds the new tokens. */
  register(body: AllowUndefined<RegisterRequest>, options?: RequestOptions): ApiPromise<AuthResult> {
    return this.holdTokens(this.core.call(options, (o) => this.api.registerUser({ RegisterRequest: body }, o)));
  }

  /** Logs in with email and password: the client holds the tokens for the calls that follow. */
  login(body: AllowUndefined<LoginRequest>, options?: RequestOptions): ApiPromise<AuthResult> {
    return this.holdTokens(this.core.call(options, (o) => this.api.loginUser({ LoginRequest: body }, o)));
  }

  /**
   * Exchanges the refresh token (the client's, or the one given) for a new pair, which the
   * client then holds. The client also does this by itself when an access token has expired.
   */
  refresh(body?: AllowUndefined<RefreshRequest>, options?: RequestOptions): ApiPromise<TokenPair> {
    const refresh_token = body?.refresh_token ?? this.core.refreshToken;
    if (!refresh_token) {
      return new ApiPromise(Promise.reject(new TypeError("auth.refresh(): no refresh token; log in first or pass { refresh_token }.")));
    }
    const call = this.core.call(options, (o) => this.api.refreshTokens({ RefreshRequest: { refresh_token } }, o));
    return ApiPromise.map(call, async (pair) => {
      await this.core.storeTokens(pair);
      return pair;
    });
  }

  /**
   * Revokes the refresh token (the client's, or the one given) and, when it is the client's,
   * forgets the tokens. Logging out twice is not an error.
   */
  async logout(body?: AllowUndefined<RefreshRequest>, options?: RequestOptions): Promise<void> {
    const refresh_token = body?.refresh_token ?? this.core.refreshToken;
    if (refresh_token) await this.core.call(options, (o) => this.api.logoutUser({ RefreshRequest: { refresh_token } }, o));
    if (refresh_token === undefined || refresh_token === this.core.refreshToken) this.core.clearTokens();
  }

  /** Login and register answer with tokens: the client holds them before the caller sees the result. */
  private holdTokens(call: ApiPromise<AuthResult>): ApiPromise<AuthResult> {
    return ApiPromise.map(call, async (result) => {
      await this.core.storeTokens(result.tokens);
      return result;
    });
  }
}
