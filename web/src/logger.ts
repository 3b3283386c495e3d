/**
 * The storefront's logger: pino, as in the services, so one log pipeline reads every process
 * (JSON lines with level, time, name, msg; an `err` field serialised with its stack).
 */
import pino, { type DestinationStream } from "pino";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type Logger = Pick<pino.Logger, "debug" | "info" | "warn" | "error">;

/** JSON lines on stderr, or into `destination` (tests capture them). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino({ name: "web", level, base: undefined }, destination ?? pino.destination(2));
}
