// Helpers every service's dredd hooks use. Not a hookfile itself: `make contract` loads only
// hooks/<service>.cjs, which require this.

/** express answers "...; charset=utf-8" and dredd compares Content-Type exactly; the charset is not part of the contract. */
function stripCharset(transaction) {
  const headers = transaction.real && transaction.real.headers;
  if (!headers) return;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === "content-type");
  if (key) headers[key] = String(headers[key]).split(";")[0].trim();
}

module.exports = { stripCharset };
