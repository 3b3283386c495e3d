/** Which service owns which public path prefix. The gateway is the one origin for the SDK and the web app. */
export const SERVICE_ROUTES = {
  auth: ["/v1/auth", "/v1/users", "/.well-known", "/api/v1/login"],
  product: ["/v1/products", "/v1/product-images", "/v1/inventory", "/api/v1/search"],
  cart: ["/v1/cart", "/v1/quotes", "/v1/promo-codes"],
  order: ["/v1/checkout", "/v1/orders", "/v1/receipts", "/v1/admin/orders", "/v1/transactions"],
  // not /v1/internal/events: the services deliver their events to analytics directly
  analytics: ["/v1/events", "/v1/admin/kpis"],
} as const;

export type ServiceName = keyof typeof SERVICE_ROUTES;

export function ownerOf(path: string, services: Partial<Record<ServiceName, string>>): ServiceName | undefined {
  for (const [service, prefixes] of Object.entries(SERVICE_ROUTES) as [ServiceName, readonly string[]][]) {
    if (!services[service]) continue;
    if (prefixes.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}?`))) return service;
  }
  return undefined;
}
