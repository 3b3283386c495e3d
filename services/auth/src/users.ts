import { Op, col, fn, where as sqlWhere } from "sequelize";
import { decodeCursor, encodeCursor, notFound } from "@disqo-commerce/kit";
import type { AuthModels, UserModel } from "./models/index.js";
import type { components } from "./generated/openapi.js";

export type UserDto = components["schemas"]["User"];
export type ProfileUpdate = components["schemas"]["ProfileUpdate"];

/** The public shape of a user: never the password hash. */
export function toUserDto(user: UserModel): UserDto {
  return {
    id: user.id,
    email: user.email,
    first_name: user.first_name,
    last_name: user.last_name,
    address_1: user.address_1 ?? null,
    address_2: user.address_2 ?? null,
    city: user.city ?? null,
    state: user.state ?? null,
    zip_code: user.zip_code ?? null,
    phone: user.phone ?? null,
    role: user.role,
    is_active: Boolean(user.is_active),
    created_at: new Date(user.created_at).toISOString(),
    updated_at: new Date(user.updated_at).toISOString(),
  };
}

export function createUserDirectory(models: AuthModels) {
  const { User } = models;
  return {
    async findByEmail(email: string) {
      return User.findOne({ where: { email } });
    },

    async get(id: number): Promise<UserDto> {
      const user = await User.findByPk(id);
      if (!user) throw notFound("No such user.");
      return toUserDto(user);
    },

    async updateProfile(id: number, changes: ProfileUpdate): Promise<UserDto> {
      const user = await User.findByPk(id);
      if (!user) throw notFound("No such user.");
      await user.update(changes);
      return toUserDto(user);
    },

    async list(options: { limit: number; cursor?: string; email?: string }): Promise<{ data: UserDto[]; next_cursor: string | null }> {
      const after = decodeCursor<{ id: number }>(options.cursor, ["id"]);
      const where: Record<string | symbol, unknown> = {};
      if (after) where.id = { [Op.gt]: after.id };
      // A plain substring test: LIKE would need per-dialect ESCAPE handling for the `_` and `%` common in emails.
      if (options.email) where[Op.and] = [sqlWhere(fn("INSTR", col("email"), options.email.trim().toLowerCase()), Op.gt, 0)];
      const rows = await User.findAll({ where, order: [["id", "ASC"]], limit: options.limit + 1 });
      const page = rows.slice(0, options.limit);
      return {
        data: page.map(toUserDto),
        next_cursor: rows.length > options.limit ? encodeCursor({ id: page[page.length - 1].id }) : null,
      };
    },
  };
}

export type UserDirectory = ReturnType<typeof createUserDirectory>;
