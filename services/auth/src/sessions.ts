import { createHash, randomBytes, randomUUID } from "node:crypto";
import { Op, type Sequelize } from "sequelize";
import { signAccessToken, unauthenticated, writeOutsideTransaction } from "@disqo-commerce/kit";
import type { AuthModels } from "./models/index.js";
import type { SigningKey } from "./signing-key.js";
import type { components } from "./generated/openapi.js";

export type TokenPair = components["schemas"]["TokenPair"];

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Access tokens (ES256 JWTs) and refresh tokens (opaque, stored hashed, rotated on every
 * use; a reused one revokes its whole family, since only a thief replays a spent token).
 */
export function createSessions(deps: { sequelize: Sequelize; models: AuthModels; key: SigningKey; accessTtlSeconds: number; refreshTtlDays: number }) {
  const { RefreshToken, User } = deps.models;

  async function issue(user: { id: number; role: "customer" | "admin" }, familyId: string, transaction?: import("sequelize").Transaction): Promise<TokenPair> {
    const refreshToken = `rt_${randomBytes(32).toString("base64url")}`;
    const values = { user_id: user.id, family_id: familyId, token_hash: hashToken(refreshToken), expires_at: new Date(Date.now() + deps.refreshTtlDays * 86_400_000) };
    if (transaction) await RefreshToken.create(values, { transaction });
    else await writeOutsideTransaction(deps.sequelize, (t) => RefreshToken.create(values, { transaction: t }));
    return {
      access_token: signAccessToken(deps.key.privateKey, deps.key.kid, { userId: user.id, role: user.role }, deps.accessTtlSeconds),
      refresh_token: refreshToken,
      token_type: "Bearer",
      expires_in: deps.accessTtlSeconds,
    };
  }

  async function revokeFamily(familyId: string) {
    await writeOutsideTransaction(deps.sequelize, (transaction) => RefreshToken.update({ revoked_at: new Date() }, { where: { family_id: familyId, revoked_at: null }, transaction }));
  }

  return {
    /** A new session (new token family) for a user who just proved who they are. */
    start(user: { id: number; role: "customer" | "admin" }) {
      return issue(user, randomUUID());
    },

    async rotate(refreshToken: string): Promise<TokenPair> {
      const invalid = () => unauthenticated("The refresh token is invalid, expired or revoked.", "token_invalid");
      const record = await RefreshToken.findOne({ where: { token_hash: hashToken(refreshToken) } });
      if (!record || record.revoked_at || record.expires_at.getTime() < Date.now()) throw invalid();
      if (record.rotated_at) {
        await revokeFamily(record.family_id);
        throw invalid();
      }
      const user = await User.findByPk(record.user_id);
      if (!user || !user.is_active) throw invalid();
      return deps.sequelize.transaction(async (transaction) => {
        // Only one of two concurrent rotations of the same token may win.
        const [won] = await RefreshToken.update({ rotated_at: new Date() }, { where: { id: record.id, rotated_at: null, revoked_at: null }, transaction });
        if (won === 0) throw invalid();
        return issue({ id: user.id, role: user.role }, record.family_id, transaction);
      });
    },

    async revoke(refreshToken: string): Promise<void> {
      const record = await RefreshToken.findOne({ where: { token_hash: hashToken(refreshToken) } });
      if (record) await revokeFamily(record.family_id);
    },

    async revokeAllFor(userId: number): Promise<void> {
      await writeOutsideTransaction(deps.sequelize, (transaction) => RefreshToken.update({ revoked_at: new Date() }, { where: { user_id: userId, revoked_at: null }, transaction }));
    },

    async purgeExpired(): Promise<void> {
      await writeOutsideTransaction(deps.sequelize, (transaction) => RefreshToken.destroy({ where: { expires_at: { [Op.lt]: new Date() } }, transaction }));
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
