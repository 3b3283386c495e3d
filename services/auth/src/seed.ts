import type { Accounts } from "./accounts.js";
import type { AuthModels } from "./models/index.js";

/** Development-only demo accounts (docs/ARCHITECTURE.md); a production start seeds nothing. */
export const DEMO_ACCOUNTS = [
  { email: "shopper@example.com", password: "shopper-demo-pass", first_name: "Sam", last_name: "Shopper", role: "customer" as const },
  { email: "admin@example.com", password: "admin-demo-pass", first_name: "Ada", last_name: "Admin", role: "admin" as const },
];

export async function seedDemoAccounts(models: AuthModels, accounts: Accounts): Promise<void> {
  for (const { role, ...account } of DEMO_ACCOUNTS) {
    if (await models.User.findOne({ where: { email: account.email } })) continue;
    const user = await accounts.register(account, role);
    await user.update({ address_1: "1 Demo Street", city: "Los Angeles", state: "CA", zip_code: "90001" });
  }
}
