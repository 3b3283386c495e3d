import fs from "node:fs/promises";
import path from "node:path";

/**
 * Where image bytes live. The product service only puts, gets and deletes whole objects by
 * key, so an S3-compatible object store implements this as well as the file system does; the
 * catalog database keeps which images a product has (products.images), never the bytes.
 */
export interface ImageStore {
  put(key: string, data: Buffer): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Buffer | null>;
  /** Deletes every object whose key starts with `prefix` (an image's renditions); none is fine. */
  deleteAll(prefix: string): Promise<void>;
}

const SAFE_KEY = /^[a-z0-9]+(\/[a-z0-9][a-z0-9.]*)*$/;

/**
 * Images as files under one directory (`<DATA_DIR>/images` by default). Several replicas
 * share it only through a shared volume; a cluster without one configures an object store.
 * A put writes a temporary file and renames it, so a reader never sees half an image.
 */
export class FileImageStore implements ImageStore {
  constructor(private readonly root: string) {}

  private file(key: string): string {
    // keys are built by this service, but a path must never leave the root whatever the key
    if (!SAFE_KEY.test(key)) throw new Error(`unsafe image key: ${key}`);
    return path.join(this.root, ...key.split("/"));
  }

  async put(key: string, data: Buffer): Promise<void> {
    const file = this.file(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await fs.writeFile(temporary, data);
    await fs.rename(temporary, file);
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.file(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async deleteAll(prefix: string): Promise<void> {
    await fs.rm(this.file(prefix), { recursive: true, force: true });
  }
}

/** Images in memory: tests and benchmarks, where nothing outlives the process. */
export class MemoryImageStore implements ImageStore {
  private readonly objects = new Map<string, Buffer>();

  async put(key: string, data: Buffer): Promise<void> {
    this.objects.set(key, data);
  }

  async get(key: string): Promise<Buffer | null> {
    return this.objects.get(key) ?? null;
  }

  async deleteAll(prefix: string): Promise<void> {
    for (const key of this.objects.keys()) if (key === prefix || key.startsWith(`${prefix}/`)) this.objects.delete(key);
  }
}
