import { Configuration, UsersApi } from "../generated/auth/index.js";
import type { ListUsersRequest, PasswordChange, ProfileUpdate, User, UserAdminUpdate, UserPage } from "../generated/auth/index.js";
import type { ApiPromise } from "../api-promise.js";
import type { AllowUndefined, Core, RequestOptions } from "../core.js";
import { PagePromise } from "../pagination.js";

/** The caller's profile, and user administration (admin only). */
export class UsersResource {
  private readonly api: UsersApi;

  constructor(private readonly core: Core) {
    this.api = new UsersApi(new Configuration({ basePath: core.basePath, fetchApi: core.fetchApi, accessToken: core.tokenProvider }));
  }

  /** The logged-in user's profile. */
  me(options?: RequestOptions): ApiPromise<User> {
    return this.core.call(options, (o) => this.api.getCurrentUser(o));
  }

  /** Changes profile fields; omitted fields stay, `null` clears an optional one. */
  updateMe(body: AllowUndefined<ProfileUpdate>, options?: RequestOptions): ApiPromise<User> {
    return this.core.call(options, (o) => this.api.updateCurrentUser({ ProfileUpdate: body }, o));
  }

  /** Sets a new password; every refresh token of the user is revoked (other sessions end). */
  changePassword(body: AllowUndefined<PasswordChange>, options?: RequestOptions): ApiPromise<void> {
    return this.core.call(options, (o) => this.api.changePassword({ PasswordChange: body }, o));
  }

  /** Users, oldest first, optionally filtered by an email substring (admin). */
  list(params: AllowUndefined<ListUsersRequest> = {}, options?: RequestOptions): PagePromise<User, UserPage> {
    return new PagePromise((cursor) =>
      this.core.call(options, (o) => this.api.listUsers({ ...params, cursor: cursor ?? params.cursor }, o)),
    );
  }

  /** Changes a user's role or active flag (admin). */
  update(id: number, body: AllowUndefined<UserAdminUpdate>, options?: RequestOptions): ApiPromise<User> {
    return this.core.call(options, (o) => this.api.updateUser({ id, UserAdminUpdate: body }, o));
  }
}
