import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

/**
 * Request validation with two Ajv instances instead of Fastify's one: bodies are checked as sent (no type
 * coercion, unknown fields refused, never silently removed), while the query string and path parameters,
 * which are text on the wire, are coerced to the declared types.
 */
function ajv(coerce: boolean): Ajv {
  const a = new Ajv({
    coerceTypes: coerce ? "array" : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats.default(a);
  return a;
}

const bodies = ajv(false);
const text = ajv(true);

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const compiled: ValidateFunction = (httpPart === "body" ? bodies : text).compile(schema as object);
  return compiled;
};
