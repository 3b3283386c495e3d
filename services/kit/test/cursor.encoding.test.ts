import { expect } from "chai";
import { AppError, decodeCursor, encodeCursor } from "../src/index.js";

function expectForged(cursor: string, keys: string[] = ["id"]) {
  let thrown: unknown;
  try {
    decodeCursor(cursor, keys);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, cursor).to.be.instanceOf(AppError);
  const error = thrown as AppError;
  expect(error.status).to.equal(422);
  expect(error.code).to.equal("validation_failed");
  expect(error.extensions.errors).to.deep.equal([{ path: "/query/cursor", message: "invalid cursor" }]);
}

describe("kit: opaque cursors", () => {
  it("when a position is encoded, then decoding gives it back", () => {
    const cursor = encodeCursor({ id: 42, created_at: "2026-01-01T00:00:00.000Z" });
    expect(cursor).to.match(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor<{ id: number; created_at: string }>(cursor, ["id", "created_at"])).to.deep.equal({ id: 42, created_at: "2026-01-01T00:00:00.000Z" });
  });

  it("when there is no cursor (absent or empty), then decoding gives undefined: the first page", () => {
    expect(decodeCursor(undefined, ["id"])).to.equal(undefined);
    expect(decodeCursor("", ["id"])).to.equal(undefined);
  });

  it("when the cursor is not base64 JSON, then it is a 422 validation_failed on /query/cursor", () => {
    expectForged("not a cursor!");
    expectForged(Buffer.from("{ nope").toString("base64url"));
  });

  it("when the cursor lacks a key or holds a value of the wrong type, then it is a 422", () => {
    expectForged(encodeCursor({ other: 1 }));
    expectForged(encodeCursor({ id: 1 }), ["id", "created_at"]);
    expectForged(Buffer.from(JSON.stringify({ id: { $gt: 0 } })).toString("base64url"));
    expectForged(Buffer.from(JSON.stringify({ id: null })).toString("base64url"));
    expectForged(Buffer.from("null").toString("base64url"));
    expectForged(Buffer.from("[1,2]").toString("base64url"));
  });
});
