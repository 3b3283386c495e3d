import { QueryTypes, type Sequelize } from "sequelize";

/*
 * A deterministic synthetic catalog: the same seed and index always give the same product,
 * whatever the batch size, so the dev seed, the tests and the benchmark agree at any size.
 * Its word mix follows issue 3's benchmark catalog: "book" (as a word prefix) and
 * "management" each match about a fifth of the products, and every 5,000th product carries
 * the rare word "zeppelin".
 */

export interface GeneratedProduct {
  name: string;
  description: string;
  sku: string;
  category: Category["category"];
  price_amount: number;
  stock: number;
  created_at: Date;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function itemSeed(seed: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ index, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)];

const ADJECTIVES = ["Essential", "Compact", "Classic", "Modern", "Rugged", "Premium", "Everyday", "Deluxe", "Portable", "Smart", "Vintage", "Ultra", "Eco", "Pro", "Handy", "Bold"];
const COLORS = ["Black", "White", "Slate", "Navy", "Olive", "Crimson", "Sand", "Teal", "Graphite", "Ivory"];
const MATERIALS = ["bamboo", "stainless steel", "recycled plastic", "oak", "aluminium", "cotton", "walnut", "silicone", "leather", "glass"];
const BOOK_TOPICS = [
  "Project Management", "Time Management", "Risk Management", "Product Management", "Cooking", "Gardening", "Photography",
  "Python Programming", "Leadership", "Roman History", "Astronomy", "Personal Finance", "Mindfulness", "Woodworking",
  "Marketing", "Data Science", "Bird Watching", "Chess Strategy", "Home Brewing", "Urban Sketching",
];
const BOOK_FORMS = ["Book", "Handbook", "Field Guide", "Workbook", "Book", "Companion", "Book", "Primer"];
const AUDIENCES = ["beginners", "busy professionals", "students", "team leads", "hobbyists", "families", "experts"];

interface Category {
  code: string;
  category: "books" | "office" | "electronics" | "kitchen" | "home" | "outdoors" | "toys" | "apparel";
  weight: number;
  price: [number, number];
  make(rng: Rng): { name: string; description: string };
}

const CATEGORIES: Category[] = [
  {
    code: "BK",
    category: "books",
    weight: 16,
    price: [8, 60],
    make(rng) {
      const topic = pick(rng, BOOK_TOPICS);
      const form = pick(rng, BOOK_FORMS);
      const name = rng() < 0.5 ? `The ${pick(rng, ADJECTIVES)} ${topic} ${form}` : `${topic}: ${form === "Book" ? "The Book" : `A ${form}`} for ${pick(rng, AUDIENCES)}`;
      const description = `A ${pick(rng, ["practical", "friendly", "thorough", "illustrated", "concise"])} book about ${topic.toLowerCase()} for ${pick(rng, AUDIENCES)}. ${pick(rng, [
        "Includes exercises at the end of every chapter.",
        "Printed on acid-free paper with a sewn binding.",
        "Second edition, revised and expanded.",
        "Comes with a printable companion booklet.",
      ])}`;
      return { name, description };
    },
  },
  {
    code: "OF",
    category: "office",
    weight: 15,
    price: [5, 400],
    make(rng) {
      const item = pick(rng, ["Cable Management Tray", "Desk Organizer", "Ergonomic Chair", "Bookends", "Whiteboard", "Monitor Stand", "Cable Management Sleeve", "Notebook Set", "Desk Lamp", "Filing Cabinet"]);
      const name = `${pick(rng, ADJECTIVES)} ${item}`;
      const description = `${pick(rng, COLORS)} ${item.toLowerCase()} in ${pick(rng, MATERIALS)}. ${
        rng() < 0.3 ? "Built-in cable management keeps the desk tidy." : "Fits any home office or studio."
      } ${pick(rng, ["Tool-free assembly.", "Five-year warranty.", "Ships flat-packed."])}`;
      return { name, description };
    },
  },
  {
    code: "EL",
    category: "electronics",
    weight: 17,
    price: [15, 1500],
    make(rng) {
      const item = pick(rng, ["Wireless Earbuds", "Bluetooth Speaker", "USB-C Charger", "Power Bank", "Smart Watch", "Mechanical Keyboard", "Webcam", "E-Reader", "Noise Cancelling Headphones", "Portable SSD"]);
      const name = `${pick(rng, ADJECTIVES)} ${item} ${pick(rng, ["X1", "Mini", "Max", "2", "Air", "Go", "S"])}`;
      const description = `${item} in ${pick(rng, COLORS).toLowerCase()}. ${
        rng() < 0.3 ? "Smart battery management gives all-day use." : "Fast pairing and a long-lasting battery."
      } ${item === "E-Reader" ? "Holds thousands of ebooks and audiobooks." : pick(rng, ["Two-year warranty.", "Includes a travel pouch.", "Water resistant (IPX4)."])}`;
      return { name, description };
    },
  },
  {
    code: "KT",
    category: "kitchen",
    weight: 15,
    price: [6, 300],
    make(rng) {
      const item = pick(rng, ["Chef's Knife", "Cast Iron Skillet", "French Press", "Cutting Board", "Mixing Bowl Set", "Spice Rack", "Tea Kettle", "Dutch Oven", "Salad Spinner", "Cookbook Stand"]);
      const name = `${pick(rng, ADJECTIVES)} ${item}`;
      const description = `${item} made of ${pick(rng, MATERIALS)}. ${pick(rng, ["Dishwasher safe.", "Hand wash recommended.", "Oven safe to 260 °C."])} ${
        rng() < 0.1 ? "Pairs well with our bestselling recipe book." : "A kitchen staple that lasts for years."
      }`;
      return { name, description };
    },
  },
  {
    code: "HM",
    category: "home",
    weight: 12,
    price: [10, 900],
    make(rng) {
      const item = pick(rng, ["Bookshelf", "Floor Lamp", "Throw Blanket", "Storage Basket", "Wall Clock", "Bookcase", "Plant Pot", "Area Rug", "Mirror", "Side Table"]);
      const name = `${pick(rng, COLORS)} ${item}`;
      const description = `A ${pick(rng, ["minimal", "cosy", "sturdy", "elegant"])} ${item.toLowerCase()} in ${pick(rng, MATERIALS)}. ${
        rng() < 0.25 ? "Smart moisture management for healthy plants." : pick(rng, ["Easy to assemble.", "Designed in Copenhagen.", "Fits small spaces."])
      }`;
      return { name, description };
    },
  },
  {
    code: "OD",
    category: "outdoors",
    weight: 10,
    price: [8, 700],
    make(rng) {
      const item = pick(rng, ["Hiking Backpack", "Camping Tent", "Sleeping Bag", "Trekking Poles", "Water Bottle", "Headlamp", "Camp Stove", "Hammock"]);
      const name = `${pick(rng, ADJECTIVES)} ${item}`;
      const description = `${item} for ${pick(rng, ["day hikes", "thru-hikes", "car camping", "alpine trips"])}. ${
        rng() < 0.3 ? "Advanced moisture management keeps you dry." : "Lightweight and packable."
      } ${pick(rng, ["Lifetime warranty.", "Made from recycled fabric.", "Weighs under a kilogram."])}`;
      return { name, description };
    },
  },
  {
    code: "TY",
    category: "toys",
    weight: 8,
    price: [5, 150],
    make(rng) {
      const item = pick(rng, ["Building Blocks", "Puzzle", "Board Game", "Plush Bear", "Train Set", "Colouring Book", "Kite", "Science Kit"]);
      const name = `${pick(rng, ADJECTIVES)} ${item}`;
      const description = `${item} for ages ${pick(rng, ["3+", "6+", "8+", "12+"])}. ${pick(rng, ["Non-toxic paints.", "Great for family game night.", "Encourages creative play."])}`;
      return { name, description };
    },
  },
  {
    code: "AP",
    category: "apparel",
    weight: 5,
    price: [10, 250],
    make(rng) {
      const item = pick(rng, ["Rain Jacket", "Wool Sweater", "Running Shoes", "Denim Jeans", "Baseball Cap", "Scarf"]);
      const name = `${pick(rng, COLORS)} ${item}`;
      const description = `${item} in ${pick(rng, ["cotton", "merino wool", "recycled polyester", "organic cotton"])}. ${
        rng() < 0.3 ? "Sweat management fabric for active days." : pick(rng, ["Machine washable.", "True to size.", "Relaxed fit."])
      }`;
      return { name, description };
    },
  },
];
const TOTAL_WEIGHT = CATEGORIES.reduce((s, c) => s + c.weight, 0);
const EPOCH = Date.UTC(2024, 0, 1);

/** The product at position `index` (0-based) of the catalog generated from `seed`. */
export function generateProduct(seed: number, index: number): GeneratedProduct {
  const rng = mulberry32(itemSeed(seed, index));
  let roll = rng() * TOTAL_WEIGHT;
  let category = CATEGORIES[0];
  for (const c of CATEGORIES) {
    roll -= c.weight;
    if (roll < 0) {
      category = c;
      break;
    }
  }
  let { name, description } = category.make(rng);
  if (index % 5000 === 4321 % 5000) name = `${name} Zeppelin Edition`;
  const [lo, hi] = category.price;
  const dollars = Math.floor(lo * Math.pow(hi / lo, rng() * rng()));
  const stock = rng() < 0.05 ? 0 : 1 + Math.floor(Math.pow(rng(), 2) * 500);
  return {
    name,
    description,
    sku: `${category.code}-${String(index + 1).padStart(7, "0")}`,
    category: category.category,
    price_amount: dollars * 100 + 99,
    stock,
    // ids follow creation order, so a higher index is also a newer product
    created_at: new Date(EPOCH + index * 37_000),
  };
}

/**
 * Bulk-loads `count` generated products (positions offset .. offset+count-1) in batches,
 * each batch one transaction that takes one catalog change sequence number, so replica
 * search indexes pick the rows up (see migration 002).
 */
export async function loadCatalog(
  sequelize: Sequelize,
  options: {
    count: number;
    seed?: number;
    offset?: number;
    batchSize?: number;
    onProgress?: (loaded: number) => void;
    /** The `images` column of each product (the dev seed's demo drawings); none by default. */
    images?: (product: GeneratedProduct, index: number) => string | null;
  },
): Promise<void> {
  const seed = options.seed ?? 42;
  const batchSize = options.batchSize ?? 1000;
  let offset = options.offset;
  if (offset === undefined) {
    const [row] = await sequelize.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM products", { type: QueryTypes.SELECT });
    offset = Number(row?.n ?? 0);
  }
  const qi = sequelize.getQueryInterface();
  for (let start = 0; start < options.count; start += batchSize) {
    const end = Math.min(options.count, start + batchSize);
    await sequelize.transaction(async (t) => {
      await sequelize.query("UPDATE product_changes SET seq = seq + 1 WHERE id = 1", { transaction: t });
      const [row] = await sequelize.query<{ seq: number | string }>("SELECT seq FROM product_changes WHERE id = 1", { type: QueryTypes.SELECT, transaction: t });
      const rows = [];
      for (let i = start; i < end; i++) {
        const p = generateProduct(seed, offset! + i);
        rows.push({ ...p, currency: "USD", is_active: true, committed: 0, change_seq: Number(row.seq), updated_at: p.created_at, images: options.images?.(p, offset! + i) ?? null });
      }
      await qi.bulkInsert("products", rows, { transaction: t });
    });
    options.onProgress?.(end);
  }
}
