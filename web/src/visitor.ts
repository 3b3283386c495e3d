/**
 * The anonymous visitor id: a random value in a first-party cookie, so the funnel can count a
 * person before (and without) an account. It names no one: it is not derived from the address,
 * the user agent or the account, and the API links it to a user id only while logged in.
 * A browser that sends Global Privacy Control (`Sec-GPC: 1`) gets no visitor id and no
 * page-view events; the server-side facts of its orders still count under its user id.
 */
import { randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

export const VISITOR_COOKIE = "dc_visitor";
const VISITOR_COOKIE_MAX_AGE_MS = 365 * 24 * 3600 * 1000;
/** The API's VisitorId format; anything else in the cookie is replaced, never sent on. */
const VISITOR_ID = /^[A-Za-z0-9_-]{8,64}$/;

export function newVisitorId(): string {
  return `v_${randomBytes(12).toString("hex")}`;
}

/** Whether the browser asked not to be tracked (Global Privacy Control). */
export function optedOut(req: Request): boolean {
  return req.get("sec-gpc") === "1";
}

/** Sets `res.locals.visitorId` from the cookie, issuing one on the first visit. */
export function visitorCookie(secure: boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (optedOut(req)) {
      res.locals.visitorId = undefined;
      return next();
    }
    let id: unknown = req.cookies?.[VISITOR_COOKIE];
    if (typeof id !== "string" || !VISITOR_ID.test(id)) {
      id = newVisitorId();
      res.cookie(VISITOR_COOKIE, id, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: VISITOR_COOKIE_MAX_AGE_MS });
    }
    res.locals.visitorId = id;
    next();
  };
}
