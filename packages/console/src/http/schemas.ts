import { Type } from "typebox";

/** Schemas shared by several route groups. */

export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_.:-]+$" });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export const Email = Type.String({ format: "email", maxLength: 254 });
/** Length is checked by the password policy (12–256 characters); this only bounds what is read. */
export const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const RoleName = Type.Union([Type.Literal("admin"), Type.Literal("standard"), Type.Literal("read-only")]);
export const Time = Type.String({ format: "date-time" });
export const Nothing = Type.Null({ description: "no content" });

export const User = Type.Object(
  { id: Type.String(), email: Type.String(), role: RoleName, disabled: Type.Boolean(), createdAt: Time },
  { additionalProperties: false },
);

export const SessionBody = Type.Object(
  {
    user: User,
    accessToken: Type.String({ description: "send as `Authorization: Bearer …`; short-lived" }),
    accessExpiresAt: Time,
    refreshToken: Type.Optional(
      Type.String({
        description:
          "works once: POST /auth/refresh returns the next one. Absent for the web UI (X-Rampart-Client: web): it gets an HttpOnly cookie instead",
      }),
    ),
    refreshExpiresAt: Time,
  },
  { additionalProperties: false },
);

/** Cursor pagination: an opaque cursor from the previous page's `next`. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
};
