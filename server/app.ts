import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import type { SmsSender } from './channels/sms/contract.ts';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import { createGroupCommit } from './db/group-commit.ts';
import { registerAuth } from './http/auth.ts';
import { registerDashboard } from './http/dashboard.ts';
import { registerErrorHandler } from './http/error-handler.ts';
import { registerMetrics } from './http/metrics.ts';
import { registerOpenApi } from './http/openapi.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import { jobsRoutes } from './jobs/jobs.routes.ts';
import { type Clock, systemClock } from './lib/clock.ts';
import { type Logger, loggable } from './lib/logger.ts';
import { randomToken, sha256 } from './lib/tokens.ts';
import { accountsRoutes } from './modules/accounts/accounts.routes.ts';
import { createAccountsService } from './modules/accounts/accounts.service.ts';
import { actionsRoutes } from './modules/actions/actions.routes.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { createCallPageService } from './modules/calls/call-page.service.ts';
import { callPatchWebhooks } from './modules/calls/call-patch.routes.ts';
import { createCallPatchService } from './modules/calls/call-patch.service.ts';
import { createCallPreview } from './modules/calls/call-preview.ts';
import { callsRoutes } from './modules/calls/calls.routes.ts';
import { createCallsService } from './modules/calls/calls.service.ts';
import { communitiesRoutes } from './modules/communities/communities.routes.ts';
import { createCommunitiesService } from './modules/communities/communities.service.ts';
import { createJoinService } from './modules/communities/join.service.ts';
import { eventsRoutes } from './modules/events/events.routes.ts';
import { createRsvpService } from './modules/events/rsvp.service.ts';
import { importsRoutes } from './modules/imports/imports.routes.ts';
import { createImportsService } from './modules/imports/imports.service.ts';
import { inboxRoutes } from './modules/inbox/inbox.routes.ts';
import { keywordsRoutes } from './modules/keywords/keywords.routes.ts';
import { linkRoutes } from './modules/links/links.routes.ts';
import { membersRoutes } from './modules/members/members.routes.ts';
import { createMembersService } from './modules/members/members.service.ts';
import { broadcastsRoutes } from './modules/messaging/broadcasts.routes.ts';
import { createBroadcastsService } from './modules/messaging/broadcasts.service.ts';
import { channelsRoutes } from './modules/messaging/channels.routes.ts';
import { createChannelsService } from './modules/messaging/channels.service.ts';
import { messagesRoutes } from './modules/messaging/messages.routes.ts';
import { createOutboxSmsSender } from './modules/messaging/outbox.ts';
import { createMessagingRuntime, type MessagingRuntime } from './modules/messaging/runtime.ts';
import { messagingSettingsRoutes } from './modules/messaging/settings.routes.ts';
import { webhookRoutes } from './modules/messaging/webhooks.routes.ts';
import { p2pRoutes } from './modules/p2p/p2p.routes.ts';
import { petitionsRoutes } from './modules/petitions/petitions.routes.ts';
import { referralsRoutes } from './modules/referrals/referrals.routes.ts';
import { segmentsRoutes } from './modules/segments/segments.routes.ts';
import { createSegmentsService } from './modules/segments/segments.service.ts';
import { createSharePageService } from './modules/shares/share-page.service.ts';
import { sharesRoutes } from './modules/shares/shares.routes.ts';
import { storiesRoutes } from './modules/stories/stories.routes.ts';
import { surveysRoutes } from './modules/surveys/surveys.routes.ts';
import { createWebSurveys } from './modules/surveys/web-survey.ts';
import { workflowsRoutes } from './modules/workflows/workflows.routes.ts';
import { createWorkflowsService } from './modules/workflows/workflows.service.ts';
import { callPages } from './pages/call.routes.ts';
import { registerEmbedMode } from './pages/embed.ts';
import { eventPages } from './pages/event.routes.ts';
import { joinPages } from './pages/join.routes.ts';
import { petitionPages } from './pages/petition.routes.ts';
import { sharePages } from './pages/share.routes.ts';
import { storyPages } from './pages/story.routes.ts';
import { surveyPages } from './pages/survey.routes.ts';
import { unsubscribePages } from './pages/unsubscribe.routes.ts';

export type AppDeps = {
  config: Config;
  /** From resolveAppSecret: keys the hashes of suppressed addresses. */
  appSecret: string;
  database: DatabaseHandle;
  logger: Logger;
  clock?: Clock;
  /** Sends the join page's one-time codes; through the outbox (the workspace's default SMS sender) when omitted. */
  sms?: SmsSender;
  /**
   * Channel adapters, the status writer and the sink, shared with the worker when both run in one process; built
   * (and closed with the app) when omitted.
   */
  messaging?: MessagingRuntime;
  /** Process-wide metrics (CPU, memory, event loop); off in tests where many apps share a process. */
  defaultMetrics?: boolean;
};

const REQUEST_ID = /^[\w.:-]{1,64}$/;

// Request ids only need to be unique, not secret: a random prefix per process and a counter (drawing random bytes
// for every request cost a few percent of the throughput of status callbacks).
const REQUEST_ID_PREFIX = randomToken(6);
let requestCounter = 0;
const nextRequestId = () => `${REQUEST_ID_PREFIX}-${(requestCounter++).toString(36)}`;

/** Builds the HTTP application without listening; tests drive it with `app.inject`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const { db } = database;

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: config.trustProxy,
    bodyLimit: 1_048_576,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : nextRequestId();
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerErrorHandler(app);
  registerSecurityHeaders(app, { https: config.publicUrl.startsWith('https:') });
  registerEmbedMode(app);
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyRateLimit, {
    global: true,
    max: config.apiRateLimitPerMinute,
    timeWindow: '1 minute',
    allowList: (request) => !request.url.startsWith('/api/'),
    keyGenerator: (request) => {
      const credential = request.headers.authorization ?? request.cookies?.gs_session;
      return credential ? `c:${sha256(credential).slice(0, 32)}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => {
      const error = new Error(`Too many requests; try again in ${Math.ceil(context.ttl / 1000)} seconds.`) as Error & {
        statusCode: number;
      };
      error.statusCode = 429;
      return error;
    },
  });
  registerMetrics(app, { defaultMetrics: deps.defaultMetrics ?? false });
  await registerOpenApi(app, config);
  registerAuth(app, { db, clock, config });

  app.get('/healthz', { logLevel: 'warn', schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn', schema: { hide: true } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(db);
      return { status: 'ready', database: database.dialect };
    } catch (error) {
      app.log.warn({ err: loggable(error) }, 'readiness check failed: database unreachable');
      return reply.status(503).send({ status: 'unavailable', database: database.dialect, detail: 'The database cannot be reached.' });
    }
  });

  const accounts = createAccountsService({ db, clock, config });
  await app.register(accountsRoutes({ accounts, config }));
  await app.register(auditRoutes({ db }));
  await app.register(jobsRoutes({ db, clock }));
  await app.register(communitiesRoutes({ communities: createCommunitiesService({ db, clock, config }) }));
  const sms = deps.sms ?? createOutboxSmsSender({ db, clock });
  const join = createJoinService({ db, clock, sms, appSecret: deps.appSecret, logger });
  await app.register(joinPages({ join, config }), { prefix: '/p' });
  await app.register(membersRoutes({ members: createMembersService({ db, clock, appSecret: deps.appSecret }) }));
  await app.register(importsRoutes({ imports: createImportsService({ db, clock, appSecret: deps.appSecret }), db, clock }));

  const messaging = deps.messaging ?? createMessagingRuntime({ db, clock, logger, appSecret: deps.appSecret, publicUrl: config.publicUrl });
  if (!deps.messaging) app.addHook('onClose', async () => messaging.close());
  await app.register(channelsRoutes({ channels: createChannelsService({ db, clock, appSecret: deps.appSecret, config }) }));
  await app.register(messagingSettingsRoutes({ db, clock }));
  await app.register(broadcastsRoutes({ broadcasts: createBroadcastsService({ db, clock, config, appSecret: deps.appSecret }) }));
  await app.register(messagesRoutes({ db, clock }));
  await app.register(webhookRoutes({ db, clock, runtime: messaging, config }));
  await app.register(linkRoutes({ db, clock, appSecret: deps.appSecret, config }));
  await app.register(unsubscribePages({ db, clock, appSecret: deps.appSecret, config }));
  await app.register(keywordsRoutes({ db, clock }));
  await app.register(surveysRoutes({ db, clock, config }));
  await app.register(surveyPages({ surveys: createWebSurveys({ db, clock, appSecret: deps.appSecret }), config }), { prefix: '/p' });
  await app.register(inboxRoutes({ db, clock }));
  await app.register(p2pRoutes({ db, clock }));
  await app.register(actionsRoutes({ db }));
  await app.register(eventsRoutes({ db, clock, config }));
  await app.register(eventPages({ rsvps: createRsvpService({ db, clock, appSecret: deps.appSecret, config }), clock, config }), {
    prefix: '/p',
  });
  await app.register(callsRoutes({ calls: createCallsService({ db, clock, config }), preview: createCallPreview({ db, config }) }));
  const callPage = createCallPageService({ db, clock, appSecret: deps.appSecret });
  const callPatches = createCallPatchService({ db, clock, appSecret: deps.appSecret, config, calls: callPage });
  await app.register(callPages({ calls: callPage, patches: callPatches, config }), { prefix: '/p' });
  await app.register(callPatchWebhooks({ patches: callPatches, config }));
  await app.register(petitionsRoutes({ db, clock, config }));
  // Sign-ups arriving together share one commit (see db/group-commit.ts).
  const signups = createGroupCommit(db);
  app.addHook('onClose', () => signups.drain());
  await app.register(petitionPages({ db, clock, appSecret: deps.appSecret, config, writer: signups }), { prefix: '/p' });
  await app.register(referralsRoutes({ db }));
  await app.register(segmentsRoutes({ segments: createSegmentsService({ db, clock }) }));
  await app.register(sharesRoutes({ db, clock, config }));
  await app.register(sharePages({ shares: createSharePageService({ db, clock, appSecret: deps.appSecret, config }), config }), {
    prefix: '/p',
  });
  await app.register(storiesRoutes({ db, clock, config }));
  await app.register(storyPages({ db, clock, appSecret: deps.appSecret, config }), { prefix: '/p' });
  await app.register(workflowsRoutes({ workflows: createWorkflowsService({ db, clock, appSecret: deps.appSecret, config }) }));

  await registerDashboard(app, config.webDist);
  return app;
}
