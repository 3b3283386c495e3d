/**
 * Cursor pagination, the same for every list of the API: a page is `{ data, next_cursor }`
 * (plus `total_count` where the API counts), and the next page is asked for with
 * `cursor=<next_cursor>` and otherwise the same parameters.
 */
import { ApiPromise, type WithResponse } from "./api-promise.js";

/** What a list operation answers (some lists add members, e.g. `total_count`). */
export interface PageBody<T> {
  data: Array<T>;
  next_cursor: string | null;
}

/** Fetches the page at `cursor` (undefined: the first page); the facade's return an ApiPromise. */
export type PageFetcher<T, B extends PageBody<T> = PageBody<T>> = (cursor: string | undefined) => Promise<B>;

/** A page together with the extra members of its list's body, typed (e.g. `total_count`). */
export type PageOf<T, B extends PageBody<T> = PageBody<T>> = Page<T, B> & Readonly<Omit<B, keyof Page<T, B>>>;

/**
 * One page of a list. Its wire fields are on it as the API sent them (`data`, `next_cursor`,
 * and members such as `total_count`), and it is an async iterable over every item from this
 * page to the last, fetching the following pages as the loop reaches them.
 */
export class Page<T, B extends PageBody<T> = PageBody<T>> implements AsyncIterable<T> {
  /** The items on this page. */
  readonly data: T[];
  /** The cursor of the next page, or null on the last page. */
  readonly next_cursor: string | null;
  /** The whole response body. */
  readonly body: B;

  private readonly fetcher: PageFetcher<T, B>;

  protected constructor(body: B, fetcher: PageFetcher<T, B>) {
    for (const [key, value] of Object.entries(body)) {
      // A body member never hides the page's own members (methods included).
      if (!(key in this)) (this as Record<string, unknown>)[key] = value;
    }
    this.body = body;
    this.data = Array.isArray(body.data) ? body.data : [];
    this.next_cursor = body.next_cursor ?? null;
    this.fetcher = fetcher;
  }

  /** The page for a response body. */
  static from<T, B extends PageBody<T>>(body: B, fetcher: PageFetcher<T, B>): PageOf<T, B> {
    return new Page<T, B>(body, fetcher) as PageOf<T, B>;
  }

  hasNextPage(): boolean {
    return this.next_cursor !== null && this.next_cursor !== "";
  }

  /** The next page; throws when this is the last one (check `hasNextPage()` first). */
  async getNextPage(): Promise<PageOf<T, B>> {
    if (!this.hasNextPage()) throw new Error("This is the last page: there is no next page.");
    return Page.from(await this.fetcher(this.next_cursor!), this.fetcher);
  }

  /** This page and every following one. */
  async *iterPages(): AsyncGenerator<PageOf<T, B>, void, undefined> {
    let page = this as unknown as PageOf<T, B>;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const page of this.iterPages()) yield* page.data;
  }
}

/**
 * What a list method returns: await it for the first page, or iterate it with `for await` for
 * every item across all pages. The first request is sent when it is first awaited or
 * iterated (once: awaiting it again gives the same page).
 */
export class PagePromise<T, B extends PageBody<T> = PageBody<T>> implements PromiseLike<PageOf<T, B>>, AsyncIterable<T> {
  private promise: Promise<WithResponse<PageOf<T, B>> | PageOf<T, B>> | undefined;

  constructor(private readonly fetcher: PageFetcher<T, B>) {}

  /** The first page with its response, when the fetcher gives one (every facade list does). */
  private fetchFirst(): Promise<WithResponse<PageOf<T, B>> | PageOf<T, B>> {
    this.promise ??= (async () => {
      const call = this.fetcher(undefined);
      if (!(call instanceof ApiPromise)) return Page.from(await call, this.fetcher);
      const result = await call.withResponse();
      return { ...result, data: Page.from(result.data, this.fetcher) };
    })();
    return this.promise;
  }

  private first(): Promise<PageOf<T, B>> {
    return this.fetchFirst().then((r) => (r instanceof Page ? r : r.data));
  }

  /** The first page with the response it came from and its request id (`X-Request-Id`). */
  async withResponse(): Promise<WithResponse<PageOf<T, B>>> {
    const result = await this.fetchFirst();
    if (result instanceof Page) throw new TypeError("This list's fetcher gives no response: withResponse() needs one that returns an ApiPromise.");
    return result;
  }

  then<R1 = PageOf<T, B>, R2 = never>(
    onfulfilled?: ((value: PageOf<T, B>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.first().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<PageOf<T, B> | R> {
    return this.first().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<PageOf<T, B>> {
    return this.first().finally(onfinally);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    const page = await this.first();
    yield* page;
  }

  get [Symbol.toStringTag]() {
    return "PagePromise";
  }
}
