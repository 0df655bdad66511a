import { z } from 'zod';
import type { AccountsService } from '../../services/accounts.service.ts';
import { clearSessionCookie, principalOf, requireAuth, setSessionCookie } from '../auth.ts';
import { presentUser } from '../presenters.ts';
import { authErrors, errorBody, secured, text, userBody } from '../schemas.ts';
import type { App } from '../types.ts';

const credentials = z.strictObject({ email: text(320), password: text(1024) });
const signedIn = z.object({ user: userBody, token: z.string() });

/** Sign-up, sign-in, sign-out, the account itself and its password. */
export function authRoutes(app: App, accounts: AccountsService): void {
  app.post(
    '/api/auth/signup',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create an account and sign in',
        body: credentials,
        response: { 201: signedIn, 400: errorBody, 409: errorBody },
      },
    },
    async (req, reply) => {
      const { user, token } = await accounts.signUp(req.body.email, req.body.password);
      setSessionCookie(req, reply, token);
      return reply.status(201).send({ user: presentUser(user), token });
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Sign in; the same 401 for an unknown email and a wrong password',
        body: credentials,
        response: { 200: signedIn, 400: errorBody, 401: errorBody, 429: errorBody },
      },
    },
    async (req, reply) => {
      const { user, token } = await accounts.signIn(req.body.email, req.body.password, req.ip);
      setSessionCookie(req, reply, token);
      return { user: presentUser(user), token };
    },
  );

  const auth = requireAuth(accounts);

  app.post(
    '/api/auth/logout',
    { preHandler: auth, schema: { tags: ['accounts'], summary: 'End this session', security: secured, response: { 204: z.null(), ...authErrors } } },
    async (req, reply) => {
      await accounts.signOut(principalOf(req));
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me',
    { preHandler: auth, schema: { tags: ['accounts'], summary: 'The signed-in user', security: secured, response: { 200: userBody, ...authErrors } } },
    async (req) => presentUser(await accounts.me(principalOf(req))),
  );

  app.delete(
    '/api/me',
    {
      preHandler: auth,
      schema: {
        tags: ['accounts'],
        summary: 'Delete the account and everything of its, after confirming the password',
        security: secured,
        body: z.strictObject({ password: text(1024) }),
        response: { 204: z.null(), 403: errorBody, ...authErrors },
      },
    },
    async (req, reply) => {
      await accounts.deleteAccount(principalOf(req), req.body.password);
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/me/password',
    {
      preHandler: auth,
      schema: {
        tags: ['accounts'],
        summary: 'Change the password; every other session ends',
        security: secured,
        body: z.strictObject({ currentPassword: text(1024), newPassword: text(1024) }),
        response: { 204: z.null(), 403: errorBody, ...authErrors },
      },
    },
    async (req, reply) => {
      await accounts.changePassword(principalOf(req), req.body.currentPassword, req.body.newPassword);
      return reply.status(204).send(null);
    },
  );
}
