import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantOf } from '../../http/auth.ts';
import { workspaceParams } from '../accounts/accounts.schema.ts';
import {
  consentBody,
  consentEvent,
  consentLedger,
  createdMember,
  createMemberBody,
  duplicates,
  listMembersQuery,
  member,
  memberExport,
  memberParams,
  membersPage,
  mergeBody,
  note,
  noteBody,
  patchMemberBody,
  tag,
  tagParams,
  timelinePage,
  timelineQuery,
} from './members.schema.ts';
import type { MembersService } from './members.service.ts';

const MEMBER = '/api/workspaces/:workspaceId/members/:memberId';
const GONE =
  'A member merged into another answers 410 member.merged, naming the survivor in the detail and the Location header. ' +
  'An erased member can still be read (its personal fields are empty, erasedAt is set) but not changed (410 member.erased).';

/** The supporter base: members, search, tags, notes, consent ledger, timeline, duplicates, merge, export and erasure. */
export function membersRoutes({ members }: { members: MembersService }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/workspaces/:workspaceId/members',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['members'],
          summary: 'Search and filter members, newest first',
          description:
            '`q` is a phone number in any format (exact match), an email prefix (contains @) or a name prefix (first or last ' +
            'name). `total` counts at most 10,000 matches (`totalCapped` is true beyond). Merged and erased members are ' +
            'not listed. Page with `cursor` = the `nextCursor` of the page before.',
          params: workspaceParams,
          querystring: listMembersQuery,
          response: { 200: membersPage },
        },
      },
      async (request) => members.list(tenantOf(request), request.query),
    );

    app.post(
      '/api/workspaces/:workspaceId/members',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Add a member; consent given here is recorded with the exact wording',
          description:
            'Needs a valid phone number or email address. Problems that do not stop the save (a landline, an unreadable ' +
            'phone kept as given, an unknown language) come back in `warnings`. A phone number that belongs to another ' +
            'member answers 409 member.duplicate naming that member.',
          params: workspaceParams,
          body: createMemberBody,
          response: { 201: createdMember },
        },
      },
      async (request, reply) => reply.status(201).send(await members.create(tenantOf(request), request.body)),
    );

    app.get(
      '/api/workspaces/:workspaceId/members/tags',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['members'],
          summary: 'The tags in use, most used first (up to 500), with how many members carry each',
          params: workspaceParams,
          response: { 200: z.object({ tags: z.array(z.object({ tag: z.string(), members: z.number() })) }) },
        },
      },
      async (request) => members.tags(tenantOf(request)),
    );

    app.get(
      MEMBER,
      {
        config: { access: 'members.read' },
        schema: { tags: ['members'], summary: 'One member', description: GONE, params: memberParams, response: { 200: member } },
      },
      async (request) => members.get(tenantOf(request), request.params.memberId),
    );

    app.patch(
      MEMBER,
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Edit a member (fields given change, null clears; `tags` replaces the tags). Consent is never changed here',
          description: GONE,
          params: memberParams,
          body: patchMemberBody,
          response: { 200: createdMember },
        },
      },
      async (request) => members.update(tenantOf(request), request.params.memberId, request.body),
    );

    app.post(
      `${MEMBER}/tags`,
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Tag a member (lower-cased)',
          params: memberParams,
          body: z.object({ tag }),
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await members.addTag(tenantOf(request), request.params.memberId, request.body.tag);
        return reply.status(204).send(null);
      },
    );

    app.delete(
      `${MEMBER}/tags/:tag`,
      {
        config: { access: 'members.write' },
        schema: { tags: ['members'], summary: 'Remove a tag from a member', params: tagParams, response: { 204: z.null() } },
      },
      async (request, reply) => {
        await members.removeTag(tenantOf(request), request.params.memberId, request.params.tag);
        return reply.status(204).send(null);
      },
    );

    app.get(
      `${MEMBER}/notes`,
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['members'],
          summary: 'Staff notes on a member, newest first',
          params: memberParams,
          response: { 200: z.object({ notes: z.array(note) }) },
        },
      },
      async (request) => members.notes(tenantOf(request), request.params.memberId),
    );

    app.post(
      `${MEMBER}/notes`,
      {
        config: { access: 'members.write' },
        schema: { tags: ['members'], summary: 'Add a note', params: memberParams, body: noteBody, response: { 201: note } },
      },
      async (request, reply) =>
        reply.status(201).send(await members.addNote(tenantOf(request), request.params.memberId, request.body.body)),
    );

    app.get(
      `${MEMBER}/consent`,
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['members'],
          summary: "The member's consent ledger, newest first, including members merged into this one",
          params: memberParams,
          response: { 200: consentLedger },
        },
      },
      async (request) => members.consent(tenantOf(request), request.params.memberId),
    );

    app.post(
      `${MEMBER}/consent`,
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Record consent given or withdrawn (method staff, or api with an API key), with the exact wording',
          params: memberParams,
          body: consentBody,
          response: { 201: consentEvent },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await members.recordConsent(tenantOf(request), request.params.memberId, request.body)),
    );

    app.get(
      `${MEMBER}/timeline`,
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['members'],
          summary: 'What the member did and received, newest first, including members merged into this one',
          params: memberParams,
          querystring: timelineQuery,
          response: { 200: timelinePage },
        },
      },
      async (request) => members.timeline(tenantOf(request), request.params.memberId, request.query),
    );

    app.get(
      `${MEMBER}/duplicates`,
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['members'],
          summary: 'Members who look like the same person (same email; same name and postal code or phone ending)',
          params: memberParams,
          response: { 200: duplicates },
        },
      },
      async (request) => members.duplicates(tenantOf(request), request.params.memberId),
    );

    app.post(
      `${MEMBER}/merge`,
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Merge a duplicate into this member (the survivor); all history is kept',
          description:
            'Tags, memberships and notes move to the survivor; the duplicate keeps its row (merged_into) and gives up its ' +
            'phone number. Activities and consent events stay with the member they happened to and show on the survivor.',
          params: memberParams,
          body: mergeBody,
          response: { 200: member },
        },
      },
      async (request) => members.merge(tenantOf(request), request.params.memberId, request.body.duplicateId, { ip: request.ip }),
    );

    app.get(
      `${MEMBER}/export`,
      {
        config: { access: 'members.export' },
        schema: {
          tags: ['members'],
          summary: 'Everything held about the member, as JSON (a data subject access request); audited',
          params: memberParams,
          response: { 200: memberExport },
        },
      },
      async (request, reply) => {
        const document = await members.exportMember(tenantOf(request), request.params.memberId, { ip: request.ip });
        return reply.header('content-disposition', `attachment; filename="member-${request.params.memberId}.json"`).send(document);
      },
    );

    app.post(
      `${MEMBER}/erase`,
      {
        config: { access: 'members.erase' },
        schema: {
          tags: ['members'],
          summary: "Erase the member's personal data for good; their number and address stay suppressed by keyed hash",
          description:
            'Clears names, phone, email, postal code, custom fields, notes and tags (also of members merged into this one), ' +
            'ends memberships and keeps the consent ledger (it holds only keyed hashes). The phone number and email are ' +
            'added to the suppression list, so nothing is sent to them again until the person grants consent anew.',
          params: memberParams,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await members.erase(tenantOf(request), request.params.memberId, { ip: request.ip });
        return reply.status(204).send(null);
      },
    );
  };
}
