import { z } from 'zod';
import type { AccountsService } from '../../services/accounts.service.ts';
import type { ClustersService } from '../../services/clusters.service.ts';
import { principalOf, requireAuth } from '../auth.ts';
import { presentCluster, presentMapPoint, presentRecluster } from '../presenters/clusters.ts';
import { authErrors, errorBody, idParams, secured, text } from '../schemas.ts';
import type { App } from '../types.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The clustering service (tests and jobs call it directly). */
    clusters: import('../../services/clusters.service.ts').ClustersService;
  }
}

/** A topic cluster with its live notes counted. */
export const clusterBody = z
  .object({
    id: z.uuid(),
    name: z.string(),
    noteCount: z.number().int(),
    userNamed: z.boolean().describe('true once the user renamed it: re-clustering keeps the name'),
    terms: z.array(z.string()).describe('the distinguishing words the automatic name came from'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Cluster' });

const mapPoint = z.object({ noteId: z.uuid(), x: z.number(), y: z.number(), clusterId: z.uuid().nullable() }).meta({ id: 'MapPoint' });

const reclusterBody = z
  .object({
    notes: z.number().int(),
    clusters: z.number().int(),
    clustered: z.number().int(),
    unclustered: z.number().int(),
    kept: z.number().int().describe('clusters that kept their id'),
    created: z.number().int(),
    retired: z.number().int(),
    filed: z.number().int().describe('notes whose cluster changed'),
    ms: z.number().int(),
  })
  .meta({ id: 'ReclusterSummary' });

const conflict = { 409: errorBody };

/** Topic clusters: list, map, rename, merge, re-cluster. Moving a note is PATCH /api/notes/:id {clusterId}. */
export function clustersRoutes(app: App, accounts: AccountsService, clusters: ClustersService): void {
  const common = { preHandler: requireAuth(accounts) };
  const doc = (summary: string) => ({ tags: ['clusters'], summary, security: secured });

  app.get(
    '/api/clusters',
    { ...common, schema: { ...doc('Topic clusters with their note counts, newest first'), response: { 200: z.object({ items: z.array(clusterBody) }), ...authErrors } } },
    async (req) => ({ items: (await clusters.list(principalOf(req).userId)).map(presentCluster) }),
  );

  app.get(
    '/api/clusters/map',
    {
      ...common,
      schema: {
        ...doc('2-D map of the notes (coordinates in about [-1, 1], from the last full clustering)'),
        response: { 200: z.object({ points: z.array(mapPoint) }), ...authErrors },
      },
    },
    async (req) => ({ points: (await clusters.map(principalOf(req).userId)).map(presentMapPoint) }),
  );

  app.post(
    '/api/clusters/recluster',
    {
      ...common,
      schema: {
        ...doc('Cluster all notes again now (ids, your names and your moves are kept); answers when done'),
        response: { 200: reclusterBody, ...authErrors },
      },
    },
    async (req) => presentRecluster(await clusters.recluster(principalOf(req).userId)),
  );

  app.get(
    '/api/clusters/:id',
    { ...common, schema: { ...doc('One cluster'), params: idParams, response: { 200: clusterBody, ...authErrors } } },
    async (req) => presentCluster(await clusters.get(principalOf(req).userId, req.params.id)),
  );

  app.patch(
    '/api/clusters/:id',
    {
      ...common,
      schema: {
        ...doc('Rename a cluster (1 to 100 characters; re-clustering keeps your name)'),
        params: idParams,
        body: z.strictObject({ name: text(400) }),
        response: { 200: clusterBody, ...authErrors, ...conflict },
      },
    },
    async (req) => presentCluster(await clusters.rename(principalOf(req).userId, req.params.id, req.body.name)),
  );

  app.post(
    '/api/clusters/:id/merge',
    {
      ...common,
      schema: {
        ...doc('Merge this cluster into another: its notes move there (and stay), it is removed; answers the surviving cluster'),
        params: idParams,
        body: z.strictObject({ into: z.uuid() }),
        response: { 200: clusterBody, ...authErrors },
      },
    },
    async (req) => presentCluster(await clusters.merge(principalOf(req).userId, req.params.id, req.body.into)),
  );
}
