import { expect } from "chai";
import { OperationTable } from "../src/operation-table.js";
import type { OpenApiDocument } from "../src/contract.js";

const spec: OpenApiDocument = {
  openapi: "3.0.3",
  info: { title: "t" },
  paths: {
    "/v1/users/me": { get: { operationId: "getMe" } },
    "/v1/users/{id}": { get: { operationId: "getUser" }, delete: { operationId: "deleteUser" } },
    "/v1/orders/{order_id}/items/{item_id}": { put: { operationId: "putItem" } },
    "/v1/no-operation-id": { get: {} },
  },
};

describe("OperationTable: one lookup per request from the spec's paths", () => {
  const table = new OperationTable(spec);

  it("when a path is written before a templated one it also matches, then the one written first wins (`/users/me` over `/users/{id}`)", () => {
    expect(table.match("GET", "/v1/users/me")?.operation.operationId).to.equal("getMe");
    expect(table.match("GET", "/v1/users/42")).to.deep.include({ params: { id: "42" } });
  });

  it("when the method differs, then the operation of that method is found, and none for a method the path lacks", () => {
    expect(table.match("DELETE", "/v1/users/42")?.operation.operationId).to.equal("deleteUser");
    expect(table.match("POST", "/v1/users/42")).to.equal(undefined);
  });

  it("when parameters are %-escaped, then they are decoded; a malformed escape matches nothing (the validator answers it)", () => {
    expect(table.match("PUT", "/v1/orders/a%20b/items/c%2Fd")?.params).to.deep.equal({ order_id: "a b", item_id: "c/d" });
    expect(table.match("GET", "/v1/users/%E0%A4%A")).to.equal(undefined);
  });

  it("when the path has a trailing slash or other letter case, then it matches as Express 5 would; a longer path does not", () => {
    expect(table.match("GET", "/v1/users/7/")?.params).to.deep.equal({ id: "7" });
    expect(table.match("GET", "/V1/USERS/ME")?.operation.operationId).to.equal("getMe");
    expect(table.match("GET", "/v1/users/7/extra")).to.equal(undefined);
  });

  it("when a spec operation has no operationId, then it is not routed", () => {
    expect(table.operations.map((o) => o.operationId)).to.deep.equal(["getMe", "getUser", "deleteUser", "putItem"]);
    expect(table.match("GET", "/v1/no-operation-id")).to.equal(undefined);
  });
});
