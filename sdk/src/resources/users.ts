import { Configuration, UsersApi } from "../generated/auth/index.js";
import type { ListUsersRequest, PasswordChange, ProfileUpdate, User, UserAdminUpdate, UserPage } from "../generated/auth/index.js";
import type { Core, RequestOptions } from "../core.js";
import { PagePromise } from "../pagination.js";

/** The caller's profile, and user administration (admin only). */
export class UsersResource {
  private readonly api: UsersApi;

  constructor(private readonly core: Core) {
    this.api = new UsersApi(new Configuration({ basePath: core.basePath, fetchApi: core.fetchApi, accessToken: core.tokenProvider }));
  }

  /** The logged-in user's profile. */
  me(options?: RequestOptions): Promise<User> {
    return this.core.call(options, (o) => this.api.getCurrentUser(o));
  }

  /** Changes profile fields; omitted fields stay, `null` clears an optional one. */
  updateMe(body: ProfileUpdate, options?: RequestOptions): Promise<User> {
    return this.core.call(options, (o) => this.api.updateCurrentUser({ ProfileUpdate: body }, o));
  }

  /** Sets a new password; every refresh token of the user is revoked (other sessions end). */
  changePassword(body: PasswordChange, options?: RequestOptions): Promise<void> {
    return this.core.call(options, (o) => this.api.changePassword({ PasswordChange: body }, o));
  }

  /** Users, oldest first, optionally filtered by an email substring (admin). */
  list(params: ListUsersRequest = {}, options?: RequestOptions): PagePromise<User, UserPage> {
    return new PagePromise((cursor) =>
      this.core.call(options, (o) => this.api.listUsers({ ...params, cursor: cursor ?? params.cursor }, o)),
    );
  }

  /** Changes a user's role or active flag (admin). */
  update(id: number, body: UserAdminUpdate, options?: RequestOptions): Promise<User> {
    return this.core.call(options, (o) => this.api.updateUser({ id, UserAdminUpdate: body }, o));
  }
}
