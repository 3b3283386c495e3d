/** The parts of an OpenAPI 3 document the kit reads. */
export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export type ParameterObject = { name: string; in: string } | { $ref: string };

export type OperationObject = {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: ParameterObject[];
  "x-required-role"?: "admin" | "customer";
};

export type OpenApiDocument = {
  openapi: string;
  info: { title: string };
  security?: Record<string, string[]>[];
  paths: Record<string, Partial<Record<HttpMethod, OperationObject>>>;
  components?: Record<string, unknown>;
};

/** A parameter as written in the operation, or the shared one its `$ref` points at (bundled specs keep those refs). */
export function resolveParameter(spec: OpenApiDocument, p: ParameterObject): { name?: string; in?: string } {
  if (!("$ref" in p)) return p;
  const name = /^#\/components\/parameters\/(.+)$/.exec(p.$ref)?.[1];
  const shared = spec.components?.parameters as Record<string, { name: string; in: string }> | undefined;
  return (name && shared?.[name]) || {};
}
