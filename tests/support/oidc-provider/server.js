// A real OpenID provider on loopback for the tests of crates/oidc: panva's
// oidc-provider (https://github.com/panva/node-oidc-provider) with one static
// client, PKCE required, and two accounts (one with a verified email, one
// without). Test support only: it keeps everything in memory and binds
// 127.0.0.1 on a port the operating system picks.
//
// Configuration comes from the environment so the Rust test decides it:
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI  the one client
//   OIDC_CLAIMS_IN_ID_TOKEN=1  put email and name in the ID token itself (as
//     Google or Keycloak do); otherwise they are only at the userinfo endpoint
//     (oidc-provider's default, `conformIdTokenClaims`), the other common case.
//
// Once listening it prints one line, `listening http://127.0.0.1:PORT`, which
// is the issuer; the test reads it from stdout.
//
// Login has no browser: GET /interaction/UID shows a small form, and
// POST /interaction/UID/login with `account=verified` or `account=unverified`
// signs that account in. Consent is granted automatically for the one client
// (loadExistingGrant below, the pattern oidc-provider documents for
// first-party clients).

import * as crypto from 'node:crypto';
import * as http from 'node:http';

import Provider from 'oidc-provider';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`oidc test provider: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

const clientId = required('OIDC_CLIENT_ID');
const clientSecret = required('OIDC_CLIENT_SECRET');
const redirectUri = required('OIDC_REDIRECT_URI');
const claimsInIdToken = process.env.OIDC_CLAIMS_IN_ID_TOKEN === '1';

// The accounts, keyed by the name the login form takes.
const accounts = {
  verified: {
    sub: 'account-verified-7f3a',
    email: 'robin@example.test',
    email_verified: true,
    name: 'Robin Verified',
  },
  unverified: {
    sub: 'account-unverified-2c9d',
    email: 'sam@example.test',
    email_verified: false,
    name: 'Sam Unverified',
  },
};
const accountsBySub = Object.fromEntries(Object.values(accounts).map((a) => [a.sub, a]));

// A fresh signing key per run, so nothing secret is committed.
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' };

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > 10_000) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

let provider;

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end('interaction does not match this browser session');
    return;
  }
  if (req.method === 'GET' && action === undefined) {
    const options = Object.keys(accounts)
      .map((name) => `<button name="account" value="${escapeHtml(name)}">${escapeHtml(name)}</button>`)
      .join('\n');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Sign in</title><h1>Sign in (${escapeHtml(details.prompt.name)})</h1>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">${options}</form>`);
    return;
  }
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const account = accounts[form.get('account')];
    if (!account) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('unknown account');
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}

const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?$/.exec(req.url.split('?')[0]);
  if (match) {
    interaction(req, res, match[1], match[2]).catch((error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`interaction failed: ${error.message}`);
    });
    return;
  }
  provider.callback()(req, res);
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    conformIdTokenClaims: !claimsInIdToken,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, details) => `/interaction/${details.uid}` },
    async findAccount(ctx, sub) {
      const account = accountsBySub[sub];
      if (!account) return undefined;
      return { accountId: sub, async claims() { return { ...account }; } };
    },
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims(['email', 'email_verified', 'name']);
      await grant.save();
      return grant;
    },
  });
  console.log(`listening ${issuer}`);
});

// The test kills the process; end cleanly on the usual signals too.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
