import { expect } from "chai";
import { textOf } from "./support/browser.js";
import { ADMIN, startStorefront, type Storefront } from "./support/app.js";

describe("admin product edit under the stock rule", () => {
  let shop: Storefront;
  beforeEach(async () => {
    shop = await startStorefront();
  });
  afterEach(() => shop.close());

  it("when an admin lowers the stock below the units held and sold, then the form says why and keeps the stock", async () => {
    const product = shop.platform.addProduct({ name: "Held Book", price: 1500, stock: 5 });
    product.available = 2; // 3 units held by quotes or sold
    const admin = shop.browser();
    await admin.login(ADMIN.email, ADMIN.password);
    await admin.get(`/admin/products/${product.id}/edit`);

    const res = await admin.post(`/admin/products/${product.id}`, { name: "Held Book", description: "About it.", sku: product.sku, price: "15", stock: "1", is_active: "on" });

    expect(res.status).to.equal(409);
    expect(textOf(res.html)).to.include("Stock cannot go below 3 units").and.not.include("SKU is taken");
    expect(product.stock).to.equal(5);
  });
});
