import fs from "node:fs";
import path from "node:path";
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The key id is derived from the public key, so every replica with the same key agrees on it. */
function keyId(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: "jwk" });
  return createHash("sha256").update(`${jwk.crv}:${jwk.x}:${jwk.y}`).digest("base64url").slice(0, 16);
}

export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  return { kid: keyId(publicKey), privateKey, publicKey };
}

/**
 * Production passes JWT_PRIVATE_KEY; development generates a key on first start and keeps
 * it under DATA_DIR so tokens survive restarts.
 */
export function loadSigningKey(options: { pem?: string; dataDir: string; production: boolean }): SigningKey {
  if (options.pem) return signingKeyFromPem(options.pem.replace(/\\n/g, "\n"));
  if (options.production) throw new Error("JWT_PRIVATE_KEY must be set in production");
  const file = path.join(options.dataDir, "auth-signing-key.pem");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    fs.writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  }
  return signingKeyFromPem(fs.readFileSync(file, "utf8"));
}

export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return signingKeyFromPem(privateKey.export({ type: "pkcs8", format: "pem" }).toString());
}

export function jwks(keys: SigningKey[]) {
  return {
    keys: keys.map((k) => {
      const jwk = k.publicKey.export({ format: "jwk" });
      return { kty: "EC", crv: String(jwk.crv), x: String(jwk.x), y: String(jwk.y), kid: k.kid, alg: "ES256", use: "sig" };
    }),
  };
}
