import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import sharp from "sharp";
import { FileImageStore } from "../src/images/image-store.js";
import { buildProduct, startProductApp, type ProductTestApp } from "./support.js";

const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } });

describe("product images (sqlite)", () => {
  let app: ProductTestApp;
  let admin: string;
  let product: { id: number };

  const upload = (productId: number, file: { data: Buffer; type: string; name?: string } | null, options: { alt?: string; token?: string } = {}) => {
    const form = new FormData();
    if (file) form.append("file", new Blob([new Uint8Array(file.data)], { type: file.type }), file.name ?? "image");
    if (options.alt !== undefined) form.append("alt", options.alt);
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? admin : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    return fetch(`${app.url}/v1/products/${productId}/images`, { method: "POST", body: form, headers }).then(async (res) => ({ status: res.status, body: await res.json() }));
  };
  const png = async (width = 800, height = 600) => ({ data: await solid(width, height).png().toBuffer(), type: "image/png" });

  before(async () => {
    app = await startProductApp("sqlite", "product_images");
    admin = app.tokens.admin();
    product = (await app.call("POST", "/v1/products", { token: admin, body: buildProduct({ category: "books" }) })).body;
  });
  after(async () => app?.close());

  it("when an admin uploads a PNG, then the product lists it with WebP renditions up to its width, served with a year's cache", async () => {
    const res = await upload(product.id, await png(800, 600), { alt: "The front cover" });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const [image] = res.body.images;
    expect(image).to.include({ alt: "The front cover", width: 800, height: 600 });
    expect(image.id).to.match(/^[a-f0-9]{20}$/);
    expect(image.srcset.map((r: { width: number }) => r.width)).to.deep.equal([160, 320, 640]);
    expect(image.url).to.equal(`/v1/product-images/${image.id}/640`);
    const rendition = await fetch(app.url + image.srcset[1].url);
    expect(rendition.status).to.equal(200);
    expect(rendition.headers.get("content-type")).to.equal("image/webp");
    expect(rendition.headers.get("cache-control")).to.equal("public, max-age=31536000, immutable");
    const meta = await sharp(Buffer.from(await rendition.arrayBuffer())).metadata();
    expect(meta).to.include({ format: "webp", width: 320, height: 240 });
    expect((await app.call("GET", `/v1/products/${product.id}`)).body.images).to.deep.equal(res.body.images);
  });

  it("when JPEG and WebP are uploaded, then they are appended in order; a wide image gets the 1024 rendition", async () => {
    const p = (await app.call("POST", "/v1/products", { token: admin, body: buildProduct() })).body;
    const jpeg = await upload(p.id, { data: await solid(1600, 900).jpeg().toBuffer(), type: "image/jpeg" }, { alt: "Side view" });
    expect(jpeg.status).to.equal(201);
    const webp = await upload(p.id, { data: await solid(200, 200).webp().toBuffer(), type: "image/webp" }, { alt: "Detail" });
    expect(webp.status).to.equal(201);
    expect(webp.body.images.map((i: { alt: string }) => i.alt)).to.deep.equal(["Side view", "Detail"]);
    expect(webp.body.images[0].srcset.map((r: { width: number }) => r.width)).to.deep.equal([160, 320, 640, 1024]);
    expect(webp.body.images[1].srcset.map((r: { width: number }) => r.width)).to.deep.equal([160]);
    expect(webp.body.images[1].url).to.match(/\/160$/);
  });

  it("when the bytes are not PNG, JPEG or WebP (an SVG, text, a GIF), then 415 whatever the declared type", async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><rect width="400" height="400"/></svg>');
    for (const file of [
      { data: svg, type: "image/png" },
      { data: Buffer.from("not an image at all"), type: "image/jpeg" },
      { data: await solid(300, 300).gif().toBuffer(), type: "image/webp" },
    ]) {
      const res = await upload(product.id, file, { alt: "x" });
      expect(res.status).to.equal(415);
      expect(res.body.code).to.equal("unsupported_media_type");
    }
  });

  it("when the file is over 5 MB, then 413 payload_too_large; narrower than 160 px or truncated, then 422", async () => {
    const big = await upload(product.id, { data: Buffer.alloc(5 * 1024 * 1024 + 1, 7), type: "image/png" }, { alt: "big" });
    expect(big.status).to.equal(413);
    expect(big.body.code).to.equal("payload_too_large");
    const small = await upload(product.id, await png(100, 100), { alt: "small" });
    expect(small.status).to.equal(422);
    expect(small.body.errors[0].path).to.equal("/body/file");
    const whole = (await png(600, 600)).data;
    const truncated = await upload(product.id, { data: whole.subarray(0, Math.floor(whole.length / 2)), type: "image/png" }, { alt: "cut" });
    expect(truncated.status).to.equal(422);
  });

  it("when the multipart body is cut off before its closing boundary, then 400 malformed_request, not a 500", async () => {
    const res = await fetch(`${app.url}/v1/products/${product.id}/images`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "multipart/form-data; boundary=cut" },
      body: '--cut\r\nContent-Disposition: form-data; name="alt"\r\n\r\nhalf',
    });
    expect(res.status).to.equal(400);
    expect((await res.json()).code).to.equal("malformed_request");
  });

  it("when the file or the alt text is missing, then 422 naming the field", async () => {
    const noFile = await upload(product.id, null, { alt: "nothing" });
    expect(noFile.status).to.equal(422);
    const noAlt = await upload(product.id, await png());
    expect(noAlt.status).to.equal(422);
    expect(JSON.stringify(noAlt.body.errors)).to.contain("alt");
  });

  it("when a customer or nobody uploads, then 403 or 401; an unknown product is 404", async () => {
    expect((await upload(product.id, await png(), { alt: "x", token: app.tokens.user(5) })).status).to.equal(403);
    expect((await upload(product.id, await png(), { alt: "x", token: "" })).status).to.equal(401);
    expect((await upload(987654, await png(), { alt: "x" })).status).to.equal(404);
  });

  it("when a ninth image is uploaded, even concurrently, then it is refused with 409 and no product holds more than 8", async () => {
    const p = (await app.call("POST", "/v1/products", { token: admin, body: buildProduct() })).body;
    const file = await png(200, 200);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => upload(p.id, file, { alt: `View ${i}` })));
    expect(results.filter((r) => r.status === 201)).to.have.length(8);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.code)).to.deep.equal(["conflict", "conflict"]);
    expect((await app.call("GET", `/v1/products/${p.id}`)).body.images).to.have.length(8);
  });

  it("when an image is removed, then the others keep their order and its renditions are gone", async () => {
    const p = (await app.call("POST", "/v1/products", { token: admin, body: buildProduct() })).body;
    for (const alt of ["one", "two", "three"]) expect((await upload(p.id, await png(200, 200), { alt })).status).to.equal(201);
    const images = (await app.call("GET", `/v1/products/${p.id}`)).body.images;
    const removed = await app.call("DELETE", `/v1/products/${p.id}/images/${images[1].id}`, { token: admin });
    expect(removed.status).to.equal(200);
    expect(removed.body.images.map((i: { alt: string }) => i.alt)).to.deep.equal(["one", "three"]);
    expect((await fetch(app.url + images[1].url)).status).to.equal(404);
    expect((await fetch(app.url + images[0].url)).status).to.equal(200);
    const again = await app.call("DELETE", `/v1/products/${p.id}/images/${images[1].id}`, { token: admin });
    expect(again.status).to.equal(404);
    expect((await app.call("DELETE", `/v1/products/${p.id}/images/${images[0].id}`, { token: app.tokens.user(5) })).status).to.equal(403);
  });

  it("when a rendition is asked for a width the contract does not offer, or an unknown image, then 422 or 404", async () => {
    expect((await app.call("GET", "/v1/product-images/0123456789abcdef0123/500")).status).to.equal(422);
    expect((await app.call("GET", "/v1/product-images/0123456789abcdef0123/320")).status).to.equal(404);
    expect((await app.call("GET", "/v1/product-images/..%2F..%2Fetc/320")).status).to.equal(422);
  });
});

describe("the file image store", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "disqo-images-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("when objects are put, then they read back; deleting an image's prefix removes all its renditions only", async () => {
    const store = new FileImageStore(dir);
    await store.put("abc/160.webp", Buffer.from("a"));
    await store.put("abc/320.webp", Buffer.from("b"));
    await store.put("abd/160.webp", Buffer.from("c"));
    expect((await store.get("abc/320.webp"))?.toString()).to.equal("b");
    await store.deleteAll("abc");
    expect(await store.get("abc/160.webp")).to.equal(null);
    expect((await store.get("abd/160.webp"))?.toString()).to.equal("c");
    await store.deleteAll("missing");
  });

  it("when a key tries to leave the directory, then the store refuses it", async () => {
    const store = new FileImageStore(dir);
    for (const key of ["../x/160.webp", "abc/../../x", "/etc/passwd", "ABC/1.webp"]) {
      await store.put(key, Buffer.from("x")).then(
        () => expect.fail(`accepted ${key}`),
        (error: Error) => expect(error.message).to.match(/unsafe image key/),
      );
    }
  });
});
