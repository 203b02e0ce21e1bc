// A real OpenID Connect provider for hoso's single sign-on tests: panva's certified oidc-provider
// with its development login form (any login and password; the login becomes the account).
// Usage: node server.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
// Listens on 127.0.0.1:PORT, issuer http://127.0.0.1:PORT; prints "ready" when it listens.
import Provider from "oidc-provider";

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
if (!port || !clientId || !clientSecret || !redirectUri) {
  console.error("usage: node server.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI");
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  claims: { openid: ["sub"], profile: ["preferred_username"] },
  conformIdTokenClaims: false, // the scope's claims in the ID token itself
  cookies: { keys: ["hoso test provider: loopback only"] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, preferred_username: id };
      },
    };
  },
});
provider.proxy = false;

const server = provider.listen(Number(port), "127.0.0.1", () => {
  console.log("ready");
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
