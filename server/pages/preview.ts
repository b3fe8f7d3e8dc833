import type { FastifyReply } from 'fastify';

// The dashboard's phone preview of an action's public page (drafts too): the page as members will see it, answered
// to signed-in staff and shown in an iframe by the dashboard only. Its forms post nowhere and it runs no script.

const PREVIEW_POLICY =
  "default-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data: https:;script-src 'none';form-action 'none';frame-ancestors 'self'";

/** Sends a preview page: never cached, framable by our own origin only. */
export function sendPreview(reply: FastifyReply, page: string) {
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', PREVIEW_POLICY)
    .send(page);
}
