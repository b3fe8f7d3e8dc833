import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import { exportMembers } from './export.ts';
import {
  errorsQuery,
  errorsResponse,
  exportQuery,
  importParams,
  importView,
  startImportBody,
  uploadQuery,
  uploadResponse,
} from './imports.schema.ts';
import { type ImportsService, MAX_UPLOAD_BYTES } from './imports.service.ts';

type Deps = { imports: ImportsService; db: Db; clock: Clock };

/** Content types a file upload may come with; the body reaches the handler as a stream, never buffered whole. */
const FILE_TYPES = [
  'text/csv',
  'application/csv',
  'text/tab-separated-values',
  'application/octet-stream',
  'application/vnd.ms-excel',
  'text/plain',
];

const attachment = (name: string) => `attachment; filename="${name.replace(/[^\w.-]+/g, '_')}"`;

function fileStream(request: FastifyRequest): Readable {
  const body: unknown = request.body;
  if (body instanceof Readable) return body;
  throw new AppError({
    code: 'import.invalid_file',
    status: 415,
    message: 'Send the file itself as the request body, with Content-Type: text/csv (or application/octet-stream).',
  });
}

export function importsRoutes({ imports, db, clock }: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    // Parsers of this plugin only: the upload route gets the request stream as its body.
    app.removeContentTypeParser('text/plain');
    app.addContentTypeParser(FILE_TYPES, (_request, payload, done) => done(null, payload));
    // An upload answered before its end (refused file, no access, too large) is not read to the end: the connection
    // closes after the answer instead of draining up to 512 MB.
    app.addHook('onSend', async (request, reply) => {
      const body: unknown = request.body;
      if (body instanceof Readable && !body.readableEnded) reply.header('connection', 'close');
    });

    app.post(
      '/api/workspaces/:workspaceId/imports',
      {
        config: { access: 'imports.manage' },
        bodyLimit: MAX_UPLOAD_BYTES,
        schema: {
          tags: ['imports'],
          summary: 'Upload a CSV file of members (the raw file as the body, Content-Type text/csv, up to 512 MB)',
          description:
            'Streams the file into storage while checking it: UTF-8 (with or without a BOM) or UTF-16, delimited by commas, semicolons or tabs, with a header row. ' +
            'Answers with the columns, a suggested mapping and the first rows; nothing runs until POST /imports/{importId}/start. ' +
            'A file that is not CSV text (an image, a workbook, another encoding, no header row, empty) is refused with 400 and nothing is kept.',
          params: workspaceParams,
          querystring: uploadQuery,
          consumes: FILE_TYPES,
          response: { 201: uploadResponse },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const declared = Number(request.headers['content-length'] ?? 0);
        if (declared > MAX_UPLOAD_BYTES) {
          throw new AppError({
            code: 'import.too_large',
            status: 413,
            message: 'The file is larger than 512 MB; split it into smaller files and import each.',
          });
        }
        const result = await imports.upload({
          workspaceId: tenant.workspaceId,
          actor: tenant.actor,
          filename: request.query.filename,
          // The service stops reading a refused file; the request stream stays open to answer on.
          body: fileStream(request).iterator({ destroyOnReturn: false }),
        });
        return reply.status(201).send(result);
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/imports',
      {
        config: { access: 'imports.manage' },
        schema: {
          tags: ['imports'],
          summary: 'Imports of the workspace, newest first',
          params: workspaceParams,
          response: { 200: z.object({ imports: z.array(importView) }) },
        },
      },
      async (request) => ({ imports: await imports.list(tenantOf(request).workspaceId) }),
    );

    app.get(
      '/api/workspaces/:workspaceId/imports/:importId',
      {
        config: { access: 'imports.manage' },
        schema: {
          tags: ['imports'],
          summary: 'One import, with its progress (poll it while it runs)',
          params: importParams,
          response: { 200: importView },
        },
      },
      async (request) => imports.get(tenantOf(request).workspaceId, request.params.importId),
    );

    app.post(
      '/api/workspaces/:workspaceId/imports/:importId/start',
      {
        config: { access: 'imports.manage' },
        schema: {
          tags: ['imports'],
          summary: 'Start the import (or a dry run) with a column mapping; it runs in the background',
          description:
            'mapping: column name → firstName, lastName, fullName, phone, email, postalCode, language, timezone, source, tags, custom:<key> or ignore ' +
            '(columns left out are ignored). Consent is read only from options.consent.smsColumn / emailColumn, with the wording members agreed to. ' +
            'dedupe "update" (default) fills empty fields of members who already exist and never overwrites; "skip" leaves their fields alone.',
          params: importParams,
          body: startImportBody,
          response: { 202: importView },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const view = await imports.start({
          workspaceId: tenant.workspaceId,
          actor: tenant.actor,
          importId: request.params.importId,
          mapping: request.body.mapping,
          options: request.body.options,
        });
        return reply.status(202).send(view);
      },
    );

    app.post(
      '/api/workspaces/:workspaceId/imports/:importId/cancel',
      {
        config: { access: 'imports.manage' },
        schema: {
          tags: ['imports'],
          summary: 'Cancel an import; a running one stops after its current batch, and rows already imported stay',
          params: importParams,
          response: { 200: importView },
        },
      },
      async (request) => imports.cancel({ workspaceId: tenantOf(request).workspaceId, importId: request.params.importId }),
    );

    app.get(
      '/api/workspaces/:workspaceId/imports/:importId/errors',
      {
        config: { access: 'imports.manage' },
        schema: {
          tags: ['imports'],
          summary: 'The problems found, by line of the file (header = line 1): JSON (first 1,000) or a CSV download of all',
          params: importParams,
          querystring: errorsQuery,
          produces: ['application/json', 'text/csv'],
          response: { 200: errorsResponse },
        },
      },
      async (request, reply) => {
        const { workspaceId } = tenantOf(request);
        const { importId } = request.params;
        const { format, severity } = request.query;
        if (format === 'json') return imports.report({ workspaceId, importId, severity });
        const rows = imports.reportRows({ workspaceId, importId, severity });
        // Fails here (404) before any byte is sent when the import is not in the workspace.
        const first = await rows.next();
        async function* all() {
          if (!first.done) yield first.value;
          yield* rows;
        }
        const csv = stringify({ header: true, columns: ['line', 'field', 'severity', 'message'] });
        const source = Readable.from(all());
        source.on('error', (error) => csv.destroy(error));
        return (
          reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', attachment(`import-${importId}-report.csv`))
            // A stream is sent as it is (the JSON response schema does not apply to it).
            .send(source.pipe(csv) as never)
        );
      },
    );

    app.get(
      '/api/workspaces/:workspaceId/members/export',
      {
        config: { access: 'members.export' },
        schema: {
          tags: ['members'],
          summary: 'Download members as CSV, with the same filters as the members list (streamed; recorded in the audit log)',
          params: workspaceParams,
          querystring: exportQuery,
          produces: ['text/csv'],
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const stream = await exportMembers(
          { db, clock },
          { workspaceId: tenant.workspaceId, actor: tenant.actor, query: request.query, ip: request.ip },
        );
        const day = new Date(clock.now()).toISOString().slice(0, 10);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', attachment(`members-${day}.csv`))
          .send(stream);
      },
    );
  };
}
