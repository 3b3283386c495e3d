/**
 * A tiny cookie-keeping HTTP client that behaves like a browser without JavaScript: it
 * follows nothing by itself (tests look at each redirect) and posts forms as
 * application/x-www-form-urlencoded with the CSRF token of the page it last loaded.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";

export interface Page {
  status: number;
  location: string | null;
  html: string;
  headers: Headers;
  setCookies: string[];
}

export async function listen(app: Express): Promise<{ base: string; server: Server }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export class Browser {
  readonly cookies = new Map<string, string>();
  last: Page | null = null;

  /** `headers` go with every request (e.g. the X-Forwarded-For an ingress in front would add). */
  constructor(
    private readonly base: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private remember(response: Response): string[] {
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v] = a.trim().split("=");
        if (k.toLowerCase() === "max-age") return Number(v) <= 0;
        if (k.toLowerCase() === "expires") return new Date(v).getTime() <= Date.now();
        return false;
      });
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return setCookies;
  }

  async request(method: "GET" | "POST", path: string, body?: URLSearchParams | FormData): Promise<Page> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      redirect: "manual",
      headers: {
        ...this.headers,
        cookie: this.cookieHeader(),
        // fetch sets a FormData body's multipart type with its boundary itself
        ...(body instanceof URLSearchParams ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body,
    });
    const setCookies = this.remember(response);
    const page: Page = { status: response.status, location: response.headers.get("location"), html: await response.text(), headers: response.headers, setCookies };
    if (method === "GET" && page.status < 300) this.last = page;
    return page;
  }

  get(path: string): Promise<Page> {
    return this.request("GET", path);
  }

  /** GET that follows redirects on this site, as a browser would. */
  async visit(path: string, maxHops = 5): Promise<Page> {
    let page = await this.get(path);
    for (let hop = 0; hop < maxHops && page.location; hop++) page = await this.get(page.location);
    return page;
  }

  /** The CSRF token the last loaded page put in its forms. */
  csrfToken(): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(this.last?.html ?? "");
    if (!match) throw new Error("the last page has no form with a CSRF token");
    return match[1];
  }

  /** Submits a form like the page's own would: with the page's CSRF token unless told otherwise. */
  post(path: string, fields: Record<string, string | number> = {}, options: { csrf?: boolean } = {}): Promise<Page> {
    const body = new URLSearchParams();
    if (options.csrf !== false) body.set("_csrf", this.csrfToken());
    for (const [k, v] of Object.entries(fields)) body.set(k, String(v));
    return this.request("POST", path, body);
  }

  /** Submits a multipart form (a file upload) with the page's CSRF token first, as the page's form orders it. */
  upload(path: string, fields: Record<string, string>, file: { name: string; data: Uint8Array; type: string }): Promise<Page> {
    const body = new FormData();
    body.set("_csrf", this.csrfToken());
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    body.set(file.name, new Blob([new Uint8Array(file.data)], { type: file.type }), "upload");
    return this.request("POST", path, body);
  }

  /** Posts and follows the redirect, returning the page the shopper lands on. */
  async submit(path: string, fields: Record<string, string | number> = {}): Promise<Page> {
    const page = await this.post(path, fields);
    return page.location ? this.visit(page.location) : page;
  }

  async login(email: string, password: string): Promise<Page> {
    await this.get("/login");
    return this.submit("/login", { email, password, next: "/" });
  }
}

/** The text of a page without tags, collapsed, for "the shopper sees ..." assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** A hidden input's value in a page. */
export function hidden(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no hidden field ${name}`);
  return match[1];
}
