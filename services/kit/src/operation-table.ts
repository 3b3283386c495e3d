import type { HttpMethod, OpenApiDocument, OperationObject } from "./contract.js";

export const METHODS: HttpMethod[] = ["get", "post", "put", "patch", "delete"];

export interface ContractOperation {
  method: HttpMethod;
  /** The spec's path template, e.g. `/v1/products/{id}`. */
  path: string;
  operationId: string;
  op: OperationObject;
}

export interface OperationMatch {
  operation: ContractOperation;
  params: Record<string, string>;
}

interface CompiledRoute {
  operation: ContractOperation;
  pattern: RegExp;
  names: string[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
}

/** `/v1/products/{id}` -> /^\/v1\/products\/([^/]+?)\/?$/i, matching like Express 5's defaults (case-insensitive, optional trailing slash). */
function compile(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (!name) return escapeRegExp(part);
      names.push(name);
      return "([^/]+?)";
    })
    .join("");
  return { pattern: new RegExp(`^${source}\\/?$`, "i"), names };
}

/**
 * The spec's operations as one lookup table: a request is matched once, by method then path in
 * the spec's order (so `/users/me` wins over `/users/{id}` as it is written first), instead of
 * once per Express route layer for authentication and again for the handler.
 */
export class OperationTable {
  private readonly byMethod = new Map<string, CompiledRoute[]>();
  readonly operations: ContractOperation[];

  constructor(spec: OpenApiDocument) {
    this.operations = Object.entries(spec.paths).flatMap(([path, item]) =>
      METHODS.flatMap((method) => {
        const op = item[method];
        return op?.operationId ? [{ method, path, operationId: op.operationId, op }] : [];
      }),
    );
    for (const operation of this.operations) {
      const key = operation.method.toUpperCase();
      const routes = this.byMethod.get(key) ?? [];
      routes.push({ operation, ...compile(operation.path) });
      this.byMethod.set(key, routes);
    }
  }

  /** The operation a request (method and path without query) is for, or undefined; a malformed %-escape matches nothing. */
  match(method: string, path: string): OperationMatch | undefined {
    const routes = this.byMethod.get(method);
    if (!routes) return undefined;
    for (const route of routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      try {
        for (let i = 0; i < route.names.length; i++) params[route.names[i]!] = decodeURIComponent(found[i + 1]!);
      } catch {
        return undefined;
      }
      return { operation: route.operation, params };
    }
    return undefined;
  }
}
