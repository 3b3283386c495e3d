// TypeDoc for the SDK's API reference: `make docs-sdk` (writes sdk/docs). Warnings fail the
// run, so the reference stays complete.
import { OptionDefaults } from "typedoc";

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  entryPoints: ["src/index.ts"],
  tsconfig: "tsconfig.json",
  out: "docs",
  // openapi-generator marks every generated model `@export`; it says nothing TypeDoc can use.
  modifierTags: [...OptionDefaults.modifierTags, "@export"],
  // Every spec declares the shared vocabulary (Money, ErrorCode, ShippingAddress) and each
  // generated client has its own, identical copy. The package root exports one copy of each;
  // the others are the same types, so they are documented once.
  intentionallyNotExported: [
    "src/generated/cart/models/Money.ts:Money",
    "src/generated/order/models/Money.ts:Money",
    "src/generated/order/models/ShippingAddress.ts:ShippingAddress",
    "src/generated/order/models/ErrorCode.ts:ErrorCode",
  ],
  treatWarningsAsErrors: true,
};
