// Enrolment routes. The CA certificate is served so an agent can compare it with the fingerprint in its
// enrolment string before trusting anything else from this server.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import { databaseRateLimitStore } from '../jobs/rate-limit-store.js';
import { parseEnrolChallengeRequest, parseEnrolRequest } from '../../protocol/messages.js';
import type { EnrolmentService } from '../enrolment/service.js';

export interface EnrolmentOptions {
  service: EnrolmentService;
  caPem: string;
  ratePerMinute: number;
}

async function enrolmentPlugin(app: FastifyInstance, opts: EnrolmentOptions): Promise<void> {
  await app.register(async (scoped) => {
    await scoped.register(rateLimit, { max: opts.ratePerMinute, timeWindow: 60_000, store: databaseRateLimitStore(app.db, 'enrol') });
    scoped.get('/api/v1/enrol/ca', async (_req, reply) => reply.type('application/x-pem-file').send(opts.caPem));
    scoped.post('/api/v1/enrol/challenge', { bodyLimit: 16 * 1024 }, async (req) => {
      const body = parseEnrolChallengeRequest(req.body);
      return opts.service.challenge(body.token, req.ip);
    });
    scoped.post('/api/v1/enrol', { bodyLimit: 64 * 1024 }, async (req) => {
      const body = parseEnrolRequest(req.body);
      return opts.service.enrol(body, req.ip);
    });
  });
}

export default fp(enrolmentPlugin, { name: 'vigil-enrolment' });
