/**
 * The storefront: server-rendered pages over the platform's API, reached only through the
 * SDK. createApp builds the Express app from its dependencies and never listens.
 */
import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type Response } from "express";
import cookieParser from "cookie-parser";
import helmet from "helmet";
import { doubleCsrf } from "csrf-csrf";
import { randomUUID } from "node:crypto";
import { apiStatus, isUnreachable, PageError } from "./errors.js";
import { createLogger, type Logger } from "./logger.js";
import { createSessions, locals, type Sessions } from "./session.js";
import type { SdkFactory } from "./shop.js";
import { configureViews, PUBLIC_DIR } from "./views.js";
import { visitorCookie } from "./visitor.js";
import { trackPageViews } from "./page-views.js";
import { cartCount } from "./cart-count.js";
import { accountRoutes } from "./routes/account.js";
import { adminRoutes } from "./routes/admin.js";
import { authRoutes } from "./routes/auth.js";
import { cartRoutes } from "./routes/cart.js";
import { catalogRoutes } from "./routes/catalog.js";
import { imageRoutes } from "./routes/images.js";
import { IMAGE_UPLOAD_PATH, readImageUpload } from "./image-upload.js";
import { checkoutRoutes } from "./routes/checkout.js";
import { orderRoutes } from "./routes/orders.js";

export const CSRF_COOKIE = "dc_csrf";
export const CSRF_FIELD = "_csrf";

export interface AppDeps {
  /** Makes the SDK client for one request; the page tests pass a fake. */
  sdkFactory: SdkFactory;
  /** Signs the flash cookie and keys CSRF tokens. */
  cookieSecret: string;
  cookieSecure?: boolean;
  logger?: Logger;
  /** Proxies in front of the storefront whose X-Forwarded-For names the shopper (TRUSTED_PROXIES); default loopback. */
  trustedProxies?: string[];
  /** Cache static files in browsers (off in tests and development). */
  staticMaxAge?: string | number;
}

export interface RouteContext {
  sessions: Sessions;
  logger: Logger;
  /** Cookies only over HTTPS (the guest cart's, like the session's). */
  cookieSecure: boolean;
}

/** Same-origin everything: no inline script or style, no foreign origin, no framing. */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};

export function createApp(deps: AppDeps): Express {
  const logger = deps.logger ?? createLogger("silent");
  const app = express();
  app.disable("x-powered-by");
  // req.ip is then the shopper, which the SDK passes on to the API for its per-client limits.
  app.set("trust proxy", deps.trustedProxies ?? "loopback");
  configureViews(app);

  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      referrerPolicy: { policy: "same-origin" },
      frameguard: { action: "deny" },
      // HSTS only where the cookies are HTTPS-only too (production behind TLS)
      strictTransportSecurity: deps.cookieSecure ? { maxAge: 180 * 24 * 3600 } : false,
    }),
  );

  app.use("/static", express.static(PUBLIC_DIR, { maxAge: deps.staticMaxAge ?? 0, index: false, fallthrough: true }));
  app.use("/images", imageRoutes(deps.sdkFactory));
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.use((req, res, next) => {
    const requestId = randomUUID();
    const started = process.hrtime.bigint();
    res.setHeader("X-Request-Id", requestId);
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ request_id: requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) }, "request");
    });
    next();
  });

  app.use(cookieParser(deps.cookieSecret));
  app.use(express.urlencoded({ extended: false, limit: "32kb", parameterLimit: 100 }));

  const csrf = doubleCsrf({
    getSecret: () => deps.cookieSecret,
    cookieName: CSRF_COOKIE,
    cookieOptions: { httpOnly: true, sameSite: "lax", secure: deps.cookieSecure ?? false, path: "/" },
    getTokenFromRequest: (req) => (typeof req.body?.[CSRF_FIELD] === "string" ? req.body[CSRF_FIELD] : undefined),
  });
  app.post(IMAGE_UPLOAD_PATH, readImageUpload);
  // Checked before anything else runs for the request, so a forged POST never reaches the API.
  app.use(csrf.doubleCsrfProtection);
  app.use((req, res, next) => {
    // A cookie from an old secret is replaced instead of failing the page.
    locals(res).csrfToken = csrf.generateToken(req, res, false, false);
    next();
  });

  const sessions = createSessions({ sdkFactory: deps.sdkFactory, cookieSecure: deps.cookieSecure ?? false });
  app.use(sessions.readFlash);
  app.use(visitorCookie(deps.cookieSecure ?? false));
  app.use(sessions.middleware);
  app.use(trackPageViews(logger));
  app.use(cartCount);

  const ctx: RouteContext = { sessions, logger, cookieSecure: deps.cookieSecure ?? false };
  app.use(catalogRoutes(ctx));
  app.use(authRoutes(ctx));
  app.use(cartRoutes(ctx));
  app.use(checkoutRoutes(ctx));
  app.use(orderRoutes(ctx));
  app.use(accountRoutes(ctx));
  app.use("/admin", adminRoutes(ctx));

  app.use((_req: Request, _res: Response, next: NextFunction) => next(new PageError(404, "Page not found")));
  app.use(errorHandler(sessions, logger));
  return app;
}

interface ErrorPage {
  status: number;
  title: string;
  message: string;
}

const PAGES: Record<number, Omit<ErrorPage, "status">> = {
  400: { title: "That request didn't work", message: "Something in the request was not right. Go back and try again." },
  403: { title: "Not allowed", message: "You don't have permission to see this page." },
  404: { title: "Page not found", message: "We couldn't find what you were looking for. It may have moved or no longer exist." },
  500: { title: "Something went wrong", message: "An unexpected error happened on our side. Please try again in a moment." },
  503: {
    title: "We'll be right back",
    message: "The shop can't reach its services right now. Your cart and orders are safe; please try again in a moment.",
  },
};

function errorHandler(sessions: Sessions, logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const page = (status: number, message?: string) => {
      const base = PAGES[status] ?? PAGES[500];
      res.status(status).render("error.njk", { status, title: base.title, message: message ?? base.message, unreachable: status === 503 });
    };

    if ((error as { code?: string })?.code === "EBADCSRFTOKEN") {
      return page(403, "This form has expired or did not come from this site. Go back, reload the page and try again.");
    }
    if (error instanceof PageError) return page(error.status, error.status === 404 ? undefined : error.message);

    const status = apiStatus(error);
    if (status === 401) {
      // The session is over (token revoked or refresh spent): log in again and come back.
      sessions.end(res);
      sessions.flash(res, "info", "Your session has ended. Please log in again.");
      return res.redirect(303, `/login?next=${encodeURIComponent(req.method === "GET" ? req.originalUrl : "/")}`);
    }
    if (status === 403) return page(403);
    if (status === 404) return page(404);
    if (isUnreachable(error)) {
      logger.warn({ err: error, path: req.path }, "API unreachable");
      return page(503);
    }
    const httpStatus = (error as { status?: number; type?: string })?.status;
    if (status === undefined && (httpStatus === 400 || httpStatus === 413)) return page(400);

    logger.error({ err: error, path: req.path }, "page failed");
    page(500);
  };
}
