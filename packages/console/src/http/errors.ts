import { Type } from "typebox";

/** An error the client caused or may act on; anything else is logged and answered with a bare 500. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, "bad_request", message);
export const unauthorized = (message = "sign in first: no valid credentials presented") =>
  new HttpError(401, "unauthorized", message, { "www-authenticate": 'Bearer realm="rampart"' });
export const forbidden = (message = "your role does not allow this") => new HttpError(403, "forbidden", message);
export const notFound = (what: string) => new HttpError(404, "not_found", `${what} not found`);
export const conflict = (message: string, code = "conflict") => new HttpError(409, code, message);

/** The body of every error response. */
export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: "stable machine-readable reason" }),
    message: Type.String(),
  },
  { additionalProperties: false },
);
