import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { tenantOf } from '../../http/auth.ts';
import type { Clock } from '../../lib/clock.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import {
  pageQuery,
  questionParams,
  responsesQuery,
  results,
  sendInput,
  sendParams,
  survey,
  surveyInput,
  surveyParams,
  surveyPatch,
  surveyResponse,
  surveySend,
  surveySummary,
  textAnswer,
} from './surveys.schema.ts';
import { createSurveysService } from './surveys.service.ts';

/** SMS surveys: questions, opening and closing, live results. */
export function surveysRoutes(deps: { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> }): FastifyPluginAsyncZod {
  const surveys = createSurveysService(deps);
  return async (app) => {
    app.get(
      '/api/workspaces/:workspaceId/surveys',
      {
        config: { access: 'surveys.read' },
        schema: {
          tags: ['surveys'],
          summary: 'Every survey of the workspace, newest first, with its counters',
          params: workspaceParams,
          response: { 200: z.object({ surveys: z.array(surveySummary) }) },
        },
      },
      async (request) => ({ surveys: await surveys.list(tenantOf(request).workspaceId) }),
    );

    app.post(
      '/api/workspaces/:workspaceId/surveys',
      {
        config: { access: 'surveys.manage' },
        schema: {
          tags: ['surveys'],
          summary: 'Create a draft survey with its questions (choice options become A, B, C … in order)',
          params: workspaceParams,
          body: surveyInput,
          response: { 201: survey },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const createdBy = tenant.actor.type === 'user' ? tenant.actor.userId : null;
        return reply.status(201).send(await surveys.create(createdBy, tenant.workspaceId, request.body));
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/surveys/:surveyId',
      {
        config: { access: 'surveys.read' },
        schema: {
          tags: ['surveys'],
          summary: 'One survey with its questions and keywords',
          params: surveyParams,
          response: { 200: survey },
        },
      },
      async (request) => surveys.get(tenantOf(request).workspaceId, request.params.surveyId),
    );

    app.patch(
      '/api/workspaces/:workspaceId/surveys/:surveyId',
      {
        config: { access: 'surveys.manage' },
        schema: {
          tags: ['surveys'],
          summary: 'Change a survey; questions, when given, replace the current ones and are refused once someone answered',
          params: surveyParams,
          body: surveyPatch,
          response: { 200: survey },
        },
      },
      async (request) => surveys.update(tenantOf(request).workspaceId, request.params.surveyId, request.body),
    );

    app.delete(
      '/api/workspaces/:workspaceId/surveys/:surveyId',
      {
        config: { access: 'surveys.manage' },
        schema: { tags: ['surveys'], summary: 'Delete a draft survey', params: surveyParams, response: { 204: z.null() } },
      },
      async (request, reply) => {
        await surveys.remove(tenantOf(request).workspaceId, request.params.surveyId);
        return reply.status(204).send(null);
      },
    );

    for (const [action, status] of [
      ['open', 'open'],
      ['close', 'closed'],
    ] as const) {
      app.post(
        `/api/workspaces/:workspaceId/surveys/:surveyId/${action}`,
        {
          config: { access: 'surveys.manage' },
          schema: {
            tags: ['surveys'],
            summary:
              action === 'open'
                ? 'Open the survey: keywords and sends start it, members answer by SMS'
                : 'Close the survey: no new answers; members in the middle of it are stopped',
            params: surveyParams,
            response: { 200: survey },
          },
        },
        async (request) => surveys.setStatus(tenantOf(request).workspaceId, request.params.surveyId, status),
      );
    }

    app.post(
      '/api/workspaces/:workspaceId/surveys/:surveyId/web',
      {
        config: { access: 'surveys.manage' },
        schema: {
          tags: ['surveys'],
          summary:
            'Put an open survey on the web: creates its public page (or returns the one it has); web answers count in the same results',
          params: surveyParams,
          response: { 200: survey },
        },
      },
      async (request) => {
        const tenant = tenantOf(request);
        const createdBy = tenant.actor.type === 'user' ? tenant.actor.userId : null;
        return surveys.putOnWeb(createdBy, tenant.workspaceId, request.params.surveyId);
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/surveys/:surveyId/results',
      {
        config: { access: 'surveys.read' },
        schema: {
          tags: ['surveys'],
          summary: 'Live results: per question, counts with labels and percentages; newest free-text answers',
          params: surveyParams,
          response: { 200: results },
        },
      },
      async (request) => surveys.results(tenantOf(request).workspaceId, request.params.surveyId),
    );

    app.get(
      '/api/workspaces/:workspaceId/surveys/:surveyId/questions/:questionId/answers',
      {
        config: { access: 'surveys.read' },
        schema: {
          tags: ['surveys'],
          summary: "A question's answers, newest first; page back with before = nextCursor",
          params: questionParams,
          querystring: pageQuery,
          response: { 200: z.object({ answers: z.array(textAnswer), nextCursor: z.number().nullable() }) },
        },
      },
      async (request) =>
        surveys.questionAnswers(tenantOf(request).workspaceId, request.params.surveyId, request.params.questionId, request.query),
    );

    app.get(
      '/api/workspaces/:workspaceId/surveys/:surveyId/responses',
      {
        config: { access: 'surveys.read' },
        schema: {
          tags: ['surveys'],
          summary: "Members' responses, newest first, with their answers; page back with before = nextCursor",
          params: surveyParams,
          querystring: responsesQuery,
          response: { 200: z.object({ responses: z.array(surveyResponse), nextCursor: z.number().nullable() }) },
        },
      },
      async (request) => surveys.responses(tenantOf(request).workspaceId, request.params.surveyId, request.query),
    );

    app.post(
      '/api/workspaces/:workspaceId/surveys/:surveyId/send',
      {
        config: { access: 'surveys.manage' },
        schema: {
          tags: ['surveys'],
          summary:
            'Send the first question to members (up to 1,000 by id) and to the members of communities (sub-communities included) or with tags, each once: only those who gave SMS consent, inside their sending hours. Answers 202 with the send; a job carries it out in batches (follow it with GET …/sends/:sendId). One send per survey at a time (409 while one runs).',
          params: surveyParams,
          body: sendInput,
          response: { 202: surveySend },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const createdBy = tenant.actor.type === 'user' ? tenant.actor.userId : null;
        return reply.status(202).send(await surveys.send(createdBy, tenant.workspaceId, request.params.surveyId, request.body));
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/surveys/:surveyId/sends',
      {
        config: { access: 'surveys.read' },
        schema: {
          tags: ['surveys'],
          summary: "The survey's sends, latest first, with their progress; page back with before = nextCursor",
          params: surveyParams,
          querystring: pageQuery,
          response: { 200: z.object({ sends: z.array(surveySend), nextCursor: z.number().nullable() }) },
        },
      },
      async (request) => surveys.listSends(tenantOf(request).workspaceId, request.params.surveyId, request.query),
    );

    app.get(
      '/api/workspaces/:workspaceId/surveys/:surveyId/sends/:sendId',
      {
        config: { access: 'surveys.read' },
        schema: {
          tags: ['surveys'],
          summary: 'One send of the survey with its progress',
          params: sendParams,
          response: { 200: surveySend },
        },
      },
      async (request) => surveys.getSend(tenantOf(request).workspaceId, request.params.surveyId, request.params.sendId),
    );

    app.post(
      '/api/workspaces/:workspaceId/surveys/:surveyId/sends/:sendId/cancel',
      {
        config: { access: 'surveys.manage' },
        schema: {
          tags: ['surveys'],
          summary: 'Cancel a queued or running send: it stops after the batch in progress; members already asked keep their survey',
          params: sendParams,
          response: { 200: surveySend },
        },
      },
      async (request) => surveys.cancelSend(tenantOf(request).workspaceId, request.params.surveyId, request.params.sendId),
    );
  };
}
