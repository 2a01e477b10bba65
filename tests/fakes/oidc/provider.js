// The tests' OpenID provider: oidc-provider with its development login and consent pages, one
// web client (ours), and accounts named by the login typed (any password). Run by
// tests/fakes/oidc_provider.py:  PORT=... CLIENT_ID=... CLIENT_SECRET=... REDIRECT_URI=... node provider.js
// POST /__test/tamper {"mode": "bad-signature" | "wrong-audience" | ""} makes the token endpoint
// hand out a broken ID token from then on: what our callback must refuse.
import { createServer } from 'node:http';
import * as jose from 'jose';
import Provider from 'oidc-provider';

const { PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } = process.env;
const issuer = `http://127.0.0.1:${PORT}`;
const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await jose.exportJWK(privateKey)), kid: 'test-key', use: 'sig', alg: 'RS256' };
let tamper = '';

const provider = new Provider(issuer, {
  clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [REDIRECT_URI],
              grant_types: ['authorization_code'], response_types: ['code'] }],
  jwks: { keys: [jwk] },
  claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'], cpf: ['cpf'] },
  scopes: ['openid', 'profile', 'email', 'cpf'],
  conformIdTokenClaims: false, // the claims of the scopes asked go in the ID token, as gov.br does
  pkce: { required: () => true },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, name: `Pessoa ${sub}`, email: `${sub}@sefaz.rs.gov.br`, email_verified: true,
                 cpf: '52998224725' };
      },
    };
  },
});

async function resign(idToken) {
  const claims = jose.decodeJwt(idToken);
  if (tamper === 'wrong-audience') {
    return new jose.SignJWT({ ...claims, aud: 'someone-else' })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid }).sign(privateKey);
  }
  const [header, payload, signature] = idToken.split('.');
  const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
  return `${header}.${payload}.${flipped}`;
}

provider.use(async (ctx, next) => {
  await next();
  if (tamper && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await resign(ctx.body.id_token) };
  }
});

const callback = provider.callback();
createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/__test/tamper') {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => { tamper = JSON.parse(body).mode || ''; res.end('ok'); });
    return;
  }
  callback(req, res);
}).listen(Number(PORT), '127.0.0.1', () => console.log(`ready ${issuer}`));
