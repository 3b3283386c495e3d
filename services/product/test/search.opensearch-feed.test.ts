import net from "node:net";
import { expect } from "chai";
import { Client } from "@opensearch-project/opensearch";
import { createLogger } from "@disqo-commerce/kit";
import { feedHead } from "../src/search/catalog-changes.js";
import { OpenSearchIndex } from "../src/search/opensearch-index.js";
import { MAPPING_VERSION } from "../src/search/opensearch-schema.js";
import { buildProduct, startProductApp, type ProductTestApp } from "./support.js";

/*
 * The durable feed from the catalog to OpenSearch: writes made while OpenSearch is unreachable
 * or while no indexer runs reach the index afterwards, replicas applying the same changes do
 * not disturb each other, and a new mapping version takes the alias over. Runs only with
 * TEST_OPENSEARCH_URL (scripts/opensearch.sh start).
 */

const OPENSEARCH_URL = process.env.TEST_OPENSEARCH_URL;
const silent = createLogger({ service: "product-test", level: "silent" });

/** A TCP proxy to OpenSearch that the test can take down and bring back on the same port. */
async function startProxy(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (p: number) => new Promise<void>((resolve) => server.listen(p, "127.0.0.1", resolve));
  await listen(0);
  const boundPort = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${boundPort}`,
    async down() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    up: () => listen(boundPort),
  };
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

(OPENSEARCH_URL ? describe : describe.skip)("product search feed (opensearch)", () => {
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let app: ProductTestApp;
  let admin: string;
  const idsOf = (res: { body: { data: { id: number }[] } }) => res.body.data.map((p) => p.id);
  const search = (q: string) => app.call("GET", `/v1/products?q=${encodeURIComponent(q)}`);
  const replica = () => new OpenSearchIndex(app.sequelize, { url: OPENSEARCH_URL!, indexPrefix: app.opensearch!.names.alias.replace(/products$/, ""), refreshMs: 60_000, logger: silent });

  before(async () => {
    proxy = await startProxy(OPENSEARCH_URL!);
    app = await startProductApp("opensearch", "product_feed", { opensearchUrl: proxy.url });
    admin = app.tokens.admin();
  });
  after(async () => {
    await app?.close();
    await proxy?.down().catch(() => undefined);
  });

  it("when OpenSearch is unreachable, then writes still succeed, readiness and search fail, and the writes appear once it is back", async function () {
    this.timeout(40_000);
    expect((await app.call("GET", "/readyz")).status).to.equal(200);
    await proxy.down();
    const created = await app.call("POST", "/v1/products", { token: admin, body: buildProduct({ name: "Outagewritten Lantern" }) });
    expect(created.status).to.equal(201);
    expect((await app.call("GET", "/readyz")).status).to.equal(503);
    const during = await search("outagewritten");
    expect(during.status).to.equal(503);
    expect(during.body.code).to.equal("service_unavailable");
    await proxy.up();
    // no flush: the feed's own retry must bring the write in
    const after = await eventually(() => search("outagewritten"), (r) => r.status === 200 && r.body.data.length === 1);
    expect(idsOf(after)).to.deep.equal([created.body.id]);
    expect((await app.call("GET", "/readyz")).status).to.equal(200);
  });

  it("when two replicas apply the same changes at the same time, then the index holds every product's latest state", async () => {
    const [a, b] = [replica(), replica()];
    try {
      await Promise.all([a.ready, b.ready]);
      const p = await app.domain.catalog.create(buildProduct({ name: "Twinfed Original" }) as never);
      for (const name of ["Twinfed Second", "Twinfed Third", "Twinfed Final"]) await app.domain.catalog.update(p.id, { name });
      await Promise.all([a.sync(), b.sync(), a.sync(), b.sync()]);
      expect(idsOf(await search("twinfed final"))).to.deep.equal([p.id]);
      for (const old of ["original", "second", "third"]) expect(idsOf(await search(`twinfed ${old}`)), old).to.deep.equal([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("when products are written while no indexer runs, then a restarted one catches up from its stored position", async () => {
    await app.opensearch!.close();
    // the app's indexer is gone: this write reaches only the database (and the feed in it)
    const missed = await app.domain.catalog.create(buildProduct({ name: "Offlinewritten Stool" }) as never);
    const restarted = replica();
    try {
      await restarted.ready;
      await restarted.flush();
      const hits = await restarted.search({ terms: ["offlinewritten"], includeInactive: false, sort: "relevance", limit: 10 });
      expect(hits.ids).to.deep.equal([missed.id]);
      const stored = await restarted.client.get({ index: restarted.names.feed, id: restarted.names.concrete });
      const position = (stored.body as { _source: { seq: number } })._source;
      expect(position.seq).to.equal((await feedHead(app.sequelize)).seq);
    } finally {
      await restarted.close();
    }
  });
});

(OPENSEARCH_URL ? describe : describe.skip)("product search index versions (opensearch)", () => {
  it("when the alias points at an older mapping version, then starting builds this version's index and moves the alias to it", async function () {
    this.timeout(30_000);
    const app = await startProductApp("sqlite", "product_index_version");
    const prefix = `t_version_${process.pid}_${Date.now().toString(36)}_`;
    const client = new Client({ node: OPENSEARCH_URL! });
    const index = new OpenSearchIndex(app.sequelize, { url: OPENSEARCH_URL!, indexPrefix: prefix, refreshMs: 60_000, logger: silent });
    try {
      const product = await app.domain.catalog.create(buildProduct({ name: "Versionmoved Clock" }) as never);
      const old = `${prefix}products_v${MAPPING_VERSION - 1}`;
      await client.indices.create({ index: old, body: { aliases: { [`${prefix}products`]: {} } } as never });
      await index.ready;
      const aliases = await client.indices.getAlias({ name: `${prefix}products` });
      expect(Object.keys(aliases.body as object)).to.deep.equal([`${prefix}products_v${MAPPING_VERSION}`]);
      await index.flush();
      expect((await index.search({ terms: ["versionmoved"], includeInactive: false, sort: "relevance", limit: 10 })).ids).to.deep.equal([product.id]);
    } finally {
      await index.close();
      await client.indices.delete({ index: `${prefix}*` }).catch(() => undefined);
      await client.close();
      await app.close();
    }
  });
});
