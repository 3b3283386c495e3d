import { createHash } from "node:crypto";
import sharp from "sharp";
import type { Category } from "../search/facets.js";
import type { ImageStore } from "./image-store.js";
import { renditionKey, type StoredImage } from "./product-images.js";
import { makeRenditions } from "./renditions.js";

/*
 * Development only: illustrations for the generated demo catalog, so the storefront is not a
 * wall of text. Each category gets a few flat drawings (shapes only, no text, so no font is
 * needed) in its own colours; products of a category share them. They go through the same
 * rendition pipeline as an upload and into the same ImageStore.
 */

const SIZE = 800;
const VARIANTS = 3;

const PALETTES: Record<Category, string[]> = {
  books: ["#264653", "#2a9d8f", "#e9c46a"],
  office: ["#3d405b", "#81b29a", "#f2cc8f"],
  electronics: ["#1d3557", "#457b9d", "#a8dadc"],
  kitchen: ["#9c6644", "#e76f51", "#f4a261"],
  home: ["#6d597a", "#b56576", "#eaac8b"],
  outdoors: ["#283618", "#606c38", "#dda15e"],
  toys: ["#ef476f", "#ffd166", "#06d6a0"],
  apparel: ["#22223b", "#9a8c98", "#f2e9e4"],
  other: ["#495057", "#adb5bd", "#dee2e6"],
};

/** A simple pictogram of the category, centred on an 800 x 800 canvas. */
const PICTOGRAMS: Record<Category, (fg: string, accent: string) => string> = {
  books: (fg, a) => `<rect x="250" y="180" width="300" height="420" rx="12" fill="${fg}"/><rect x="250" y="180" width="40" height="420" fill="${a}"/><rect x="330" y="260" width="170" height="24" fill="${a}"/><rect x="330" y="310" width="120" height="16" fill="${a}"/>`,
  office: (fg, a) => `<rect x="200" y="420" width="400" height="30" fill="${fg}"/><rect x="230" y="450" width="24" height="170" fill="${fg}"/><rect x="546" y="450" width="24" height="170" fill="${fg}"/><path d="M470 420 L500 260 L560 230" stroke="${a}" stroke-width="22" fill="none"/><circle cx="565" cy="235" r="45" fill="${a}"/>`,
  electronics: (fg, a) => `<rect x="190" y="220" width="420" height="280" rx="24" fill="${fg}"/><rect x="220" y="250" width="360" height="220" rx="8" fill="${a}"/><rect x="340" y="500" width="120" height="60" fill="${fg}"/><rect x="280" y="560" width="240" height="24" rx="12" fill="${fg}"/>`,
  kitchen: (fg, a) => `<circle cx="360" cy="420" r="170" fill="${fg}"/><circle cx="360" cy="420" r="120" fill="${a}"/><rect x="520" y="395" width="200" height="50" rx="25" fill="${fg}"/>`,
  home: (fg, a) => `<path d="M180 420 L400 210 L620 420 Z" fill="${fg}"/><rect x="230" y="420" width="340" height="200" fill="${fg}"/><rect x="360" y="500" width="80" height="120" fill="${a}"/><rect x="260" y="450" width="70" height="60" fill="${a}"/>`,
  outdoors: (fg, a) => `<path d="M120 620 L330 260 L470 500 L540 400 L690 620 Z" fill="${fg}"/><circle cx="560" cy="230" r="60" fill="${a}"/>`,
  toys: (fg, a) => `<rect x="220" y="420" width="160" height="160" rx="16" fill="${fg}"/><rect x="420" y="420" width="160" height="160" rx="16" fill="${a}"/><rect x="320" y="250" width="160" height="160" rx="16" fill="${fg}"/><circle cx="400" cy="330" r="30" fill="${a}"/>`,
  apparel: (fg, a) => `<path d="M300 200 L220 260 L160 380 L240 420 L280 350 L280 620 L520 620 L520 350 L560 420 L640 380 L580 260 L500 200 Q400 270 300 200 Z" fill="${fg}"/><circle cx="400" cy="330" r="22" fill="${a}"/>`,
  other: (fg, a) => `<rect x="230" y="300" width="340" height="300" rx="16" fill="${fg}"/><path d="M230 300 L400 210 L570 300 Z" fill="${a}"/>`,
};

function svg(category: Category, variant: number): string {
  const [bg, fg, accent] = PALETTES[category];
  const colours = [
    [bg, fg, accent],
    [fg, bg, accent],
    [accent, bg, fg],
  ][variant % VARIANTS];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}"><rect width="${SIZE}" height="${SIZE}" fill="${colours[0]}"/>${PICTOGRAMS[category](colours[1], colours[2])}</svg>`;
}

/** The image id of a demo drawing: stable, so a restart finds the files it wrote before. */
function demoImageId(category: Category, variant: number): string {
  return createHash("sha256").update(`demo-image:${category}:${variant}`).digest("hex").slice(0, 20);
}

export type DemoImages = Map<Category, Omit<StoredImage, "alt">[]>;

/** Writes the demo drawings to the store (unless they are there) and says which image each category uses. */
export async function ensureDemoImages(store: ImageStore): Promise<DemoImages> {
  const out: DemoImages = new Map();
  for (const category of Object.keys(PALETTES) as Category[]) {
    const list: Omit<StoredImage, "alt">[] = [];
    for (let variant = 0; variant < VARIANTS; variant++) {
      const id = demoImageId(category, variant);
      const widths = [160, 320, 640];
      if (!(await store.get(renditionKey(id, widths[widths.length - 1])))) {
        const png = await sharp(Buffer.from(svg(category, variant))).png().toBuffer();
        const renditions = await makeRenditions(png);
        for (const f of renditions.files) await store.put(renditionKey(id, f.width), f.data);
      }
      list.push({ id, width: SIZE, height: SIZE, widths });
    }
    out.set(category, list);
  }
  return out;
}

/** The `products.images` value of a generated product: one drawing of its category. */
export function demoImagesJson(images: DemoImages, product: { name: string; category: Category }, index: number): string | null {
  const list = images.get(product.category);
  if (!list || list.length === 0) return null;
  return JSON.stringify([{ ...list[index % list.length], alt: `Illustration of the ${product.category} item ${product.name}` }]);
}
