import { randomBytes } from 'node:crypto';
import { analyzeSms, type SmsAnalysis } from '../../../common/sms-encoding.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../lib/clock.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { findLinks, LINK_CODE_LENGTH, shortLinkBase, shortLinkUrl, type Utm, withUtm } from '../links/link-rewrite.ts';
import { ensureLinkTargets } from '../links/links.repo.ts';
import { findSegment } from '../segments/segments.repo.ts';
import { snapshotSegment } from '../segments/snapshots.ts';
import { type AudienceMember, audienceWindow, resolveAudience, type SkipReason } from './audience.ts';
import {
  alreadyContacted,
  anyHistory,
  type BroadcastRow,
  EXPANSION_DONE,
  type Executor,
  findBroadcast,
  insertBroadcastHoldouts,
  insertBroadcastLinks,
  insertBroadcastMessages,
  pauseBroadcast,
  recentCounts,
  storedAudience,
  storedTemplates,
  storedUtm,
  transitionBroadcast,
} from './broadcasts.repo.ts';
import { getDefaultSender, getSender } from './channels.repo.ts';
import { complianceTexts, withFirstMessageFooter } from './compliance-texts.ts';
import { isHeldOut } from './holdouts.ts';
import { createQuietHours, isValidTimezone, type QuietHours } from './quiet-hours.ts';
import { bumpStats, readStats, type StatKey } from './stats.repo.ts';
import { type CompiledTemplates, compileTemplates, type TemplateContext } from './templates.ts';

// Broadcast expansion (DESIGN.md §4): the audience streams in windows of member ids after broadcasts.expand_cursor;
// each window is screened (consent, address, landline, frequency cap), rendered in the member's language, given the
// first-message footer and per-member short links, scheduled (local date/time, throttle, quiet hours in the member's
// zone) and written. A broadcast with a holdout first sets aside the members of the screened window its draw holds out
// (holdouts.ts): they are recorded in broadcast_holdouts, not texted, and counted as held_out, not as skipped.
// Messages, links, holdouts, counters and the cursor of a group of windows are written in one transaction:
// a run that stops (crash, pause, cancel, shutdown) resumes after the last committed group, and the unique
// (broadcast_id, member_id) index makes a window written twice land once.
//
// Speed is a requirement (a million members in seconds), so per window there is one query per concern and a few
// multi-row inserts binding only what varies per row; per member there is only string work: links in a template's
// text are cut out once (a per-member code is spliced in), a plain template is rendered once, segments are counted
// once per shape of a plain message, personal fields and custom fields are read only when a template uses them, the
// footer's effect is computed once per language, and time-zone arithmetic is cached per zone.

/** Members of the workspace read per window: bounds the memory an expansion holds at once. */
export const EXPAND_BATCH = 10_000;
/** A transaction takes no new window once it covered this many members or ran this long. */
const COMMIT_MEMBERS = 50_000;
const COMMIT_BUDGET_MS = 500;

const DAY = 86_400_000;

/** What one transaction wrote, and where it leaves the cursor. */
type Group = {
  inserted: number;
  heldOut: number;
  skipped: Partial<Record<StatKey, number>>;
  targets: Map<string, number>;
  cursor: number;
};

export type ExpandDeps = { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> };

export type ExpandOptions = {
  workspaceId: number;
  broadcastId: number;
  /** Checked between transactions: an aborted run stops once the one it is writing has committed. */
  signal?: AbortSignal;
  /** Members of the workspace per window (several windows go in one transaction). */
  batchSize?: number;
};

export type ExpandResult = {
  /** done: the whole audience is written; stopped: the broadcast was paused or cancelled meanwhile. */
  outcome: 'done' | 'stopped' | 'not_expanding';
  /** Messages written by this run. */
  queued: number;
  skipped: number;
};

const SKIP_STAT: Record<SkipReason | 'frequency_cap', StatKey> = {
  no_consent: 'skipped_no_consent',
  opted_out: 'skipped_opted_out',
  no_address: 'skipped_no_address',
  landline: 'skipped_landline',
  frequency_cap: 'skipped_frequency_cap',
};

/** A window found the broadcast no longer expanding (paused, cancelled) or another run ahead of it. */
class WindowRefused extends Error {
  override name = 'WindowRefused';
}

// ── Links and templates ───────────────────────────────────────────────────────────────────────────────────────────

const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UNBIASED_LIMIT = 256 - (256 % CODE_ALPHABET.length);

/** Random short-link codes (newLinkCode's alphabet and length, never sequential), drawn from a shared buffer. */
function codeSource(): () => string {
  let buffer = randomBytes(0);
  let at = 0;
  return () => {
    let code = '';
    while (code.length < LINK_CODE_LENGTH) {
      if (at >= buffer.length) {
        buffer = randomBytes(65_536);
        at = 0;
      }
      const byte = buffer[at++] as number;
      if (byte < UNBIASED_LIMIT) code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
    }
    return code;
  };
}

/** Marks where a link of the template's text was: a NUL and a private-use character holding the link's index. */
const MARK = '\u0000';
const markOf = (index: number) => MARK + String.fromCharCode(0xe000 + index);
const hasMarkup = (source: string) => source.includes('{{') || source.includes('{%');
const SAYS_STOP = /\b(?:stop|baja|parar)\b/i;

type Variant = {
  /** Links of the rendered text are found per member (they may come from variables), not marked in the source. */
  dynamicLinks: boolean;
  /** A plain template: the same text for everyone but the codes. */
  plain: boolean;
  footer: string;
  /** What the first-message footer adds to a rendered text; null: ask withFirstMessageFooter each time. */
  footerSuffix: string | null;
};

/**
 * Replaces the links in the template's text (outside Liquid markup) by marks, so a rendered message gets its member's
 * short links by splicing codes in, without looking for links in every message. Links that markup builds or touches
 * (`https://x.org/{{ … }}`), links inside markup, and custom fields (which may hold URLs) leave the variant to find
 * links in each rendered message.
 */
function markLinks(source: string, urls: string[]): { source: string; dynamic: boolean } {
  if (source.includes('{% raw') || source.includes('{%- raw') || /custom/.test(source)) return { source, dynamic: true };
  const parts = source.split(/({{[\s\S]*?}}|{%[\s\S]*?%})/);
  let dynamic = false;
  const out = parts.map((part, index) => {
    if (index % 2 === 1) {
      if (/https?:/i.test(part)) dynamic = true;
      return part;
    }
    let text = '';
    let from = 0;
    for (const link of findLinks(part)) {
      // A link running into markup is completed by it: the whole URL is known only once rendered.
      if (link.end === part.length && index + 1 < parts.length) dynamic = true;
      text += part.slice(from, link.start) + markOf(urls.length);
      urls.push(link.url);
      from = link.end;
    }
    return text + part.slice(from);
  });
  return dynamic ? { source, dynamic: true } : { source: out.join(''), dynamic: false };
}

/** A campaign name for UTM from the broadcast's name ("Rally – May 3" → "rally-may-3"). */
export function campaignOf(name: string, id: number): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || `broadcast-${id}`;
}

/** The UTM parameters of a broadcast's tracked links: its own where given, else groundswell / channel / its name. */
export function utmOf(row: Pick<BroadcastRow, 'id' | 'name' | 'channel' | 'utm'>): Utm {
  const own = storedUtm(row.utm);
  return {
    source: own?.source?.trim() || 'groundswell',
    medium: own?.medium?.trim() || row.channel,
    campaign: own?.campaign?.trim() || campaignOf(row.name, row.id),
  };
}

/** local_time is stored as 'YYYY-MM-DD HH:MM': the date and time every member receives it at, in their zone. */
export function parseLocalTime(value: string): { date: string; time: string } | null {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$/.exec(value);
  return match ? { date: match[1] as string, time: match[2] as string } : null;
}

/** The member a sample is rendered for when the audience has nobody reachable in that language. */
export function sampleContext(workspaceName: string, community: { name: string; slug: string } | null, language = 'en'): TemplateContext {
  return {
    member: { first_name: 'Alex', last_name: 'Rivera', email: null, postal_code: null, language, custom: {} },
    community,
    workspace: { name: workspaceName },
  };
}

// ── Scheduling ────────────────────────────────────────────────────────────────────────────────────────────────────

type Window = { from: number; start: number; end: number };

/** Send times and validity per member, cached per time zone: a window of members shares a handful of zones. */
function scheduler(input: { quiet: QuietHours; fallbackTz: string; sms: boolean; localTime: { date: string; time: string } | null }) {
  const { quiet } = input;
  const zoneNames = new Map<string, string>();
  const windows = new Map<string, Window>();
  const localStarts = new Map<string, number>();
  const zoneOf = (tz: string) => {
    let name = zoneNames.get(tz);
    if (name === undefined) {
      name = isValidTimezone(tz) ? tz : input.fallbackTz;
      zoneNames.set(tz, name);
    }
    return name;
  };
  return {
    /** A local_time schedule's date and time in the member's zone; null for the other schedules. */
    localStart(tz: string): number | null {
      if (!input.localTime) return null;
      const zone = zoneOf(tz);
      let at = localStarts.get(zone);
      if (at === undefined) {
        at = quiet.localTime(0, zone, input.localTime.time, input.localTime.date);
        localStarts.set(zone, at);
      }
      return at;
    },
    /** The first allowed moment at or after `due` in the member's zone (SMS only), and the end of that window. */
    place(due: number, tz: string): { sendAt: number; expiresAt: number | null } {
      if (!input.sms) return { sendAt: due, expiresAt: null };
      const zone = zoneOf(tz);
      let window = windows.get(zone);
      // A window computed for time `from` answers any due time from `from` to its end: nothing is allowed between
      // `from` and its start.
      if (!window || due < window.from || due >= window.end) {
        const start = quiet.nextAllowed(due, zone);
        window = { from: due, start, end: quiet.windowEnd(start, zone) };
        windows.set(zone, window);
      }
      return { sendAt: Math.max(due, window.start), expiresAt: window.end };
    },
  };
}

// ── The plan of a run ─────────────────────────────────────────────────────────────────────────────────────────────

async function planExpansion(deps: ExpandDeps, row: BroadcastRow) {
  const { db } = deps;
  const workspaceId = row.workspace_id;
  const sms = row.channel === 'sms';
  const workspace = await db.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).executeTakeFirstOrThrow();
  const sender =
    row.sender_id !== null ? await getSender(db, workspaceId, row.sender_id) : await getDefaultSender(db, workspaceId, row.channel);
  const stored = storedAudience(row.audience);
  const audience = await resolveAudience(db, workspaceId, stored, { snapshotId: row.segment_snapshot_id, now: deps.clock.now() });
  const firstCommunity = stored.communityIds[0];
  const community =
    firstCommunity === undefined
      ? null
      : ((await db
          .selectFrom('communities')
          .select(['name', 'slug'])
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', firstCommunity)
          .executeTakeFirst()) ?? null);
  const templates = storedTemplates(row.templates);
  const trackLinks = row.track_links === 1;
  const urls: string[] = [];
  const marked: Record<string, string> = {};
  const dynamic = new Set<string>();
  for (const [language, source] of Object.entries(templates)) {
    if (!trackLinks) {
      marked[language] = source;
      continue;
    }
    const result = markLinks(source, urls);
    marked[language] = result.source;
    if (result.dynamic) dynamic.add(language);
  }
  const compiled = compileTemplates(marked, row.default_language);
  const linkBase = shortLinkBase(workspace.short_link_base, deps.config.publicUrl);
  const linkPrefix = shortLinkUrl(linkBase, '');
  const sampleCode = 'x'.repeat(LINK_CODE_LENGTH);
  const variants = new Map<string, Variant>();
  for (const [language, source] of Object.entries(marked)) {
    const footer = sms ? complianceTexts(workspace, language).firstMessageFooter : '';
    let footerSuffix: string | null = null;
    // The footer's effect is the same for every member unless the text itself may say STOP (then it depends on
    // whether it also names the organization, which a variable might).
    if (!SAYS_STOP.test(source.replace(/{{[\s\S]*?}}|{%[\s\S]*?%}/g, ' ')) || !hasMarkup(source)) {
      const sample = spliceCodes(
        compiled.render(language, sampleContext(workspace.name, community, language)),
        urls,
        linkPrefix,
        () => sampleCode,
        [],
      );
      const footered = footer === '' ? sample : withFirstMessageFooter(sample, footer, workspace.name);
      if (footered.startsWith(sample)) footerSuffix = footered.slice(sample.length);
    }
    variants.set(language, { dynamicLinks: dynamic.has(language), plain: !hasMarkup(source), footer, footerSuffix });
  }
  const personal = Object.values(templates).filter(hasMarkup).join(' ');
  const localTime = row.schedule_kind === 'local_time' && row.local_time ? parseLocalTime(row.local_time) : null;
  return {
    row,
    sms,
    workspace,
    sender,
    compiled,
    audience,
    community,
    variants,
    urls,
    linkPrefix,
    utm: utmOf(row),
    // Only what the templates read is read from the database.
    columns: {
      channel: row.channel,
      customFields: personal.includes('custom'),
      only: {
        names: /first_name|last_name|full_name/.test(personal),
        email: !sms || personal.includes('email'),
        postalCode: personal.includes('postal_code'),
      },
    },
    mediaUrls: row.media_url ? JSON.stringify([row.media_url]) : null,
    base: row.schedule_kind === 'at' && row.scheduled_at !== null ? row.scheduled_at : (row.launched_at ?? deps.clock.now()),
    throttleMs: row.throttle_per_minute ? 60_000 / row.throttle_per_minute : 0,
    schedule: scheduler({
      quiet: createQuietHours({ start: workspace.quiet_hours_start, end: workspace.quiet_hours_end }),
      fallbackTz: isValidTimezone(workspace.timezone) ? workspace.timezone : 'UTC',
      sms,
      localTime,
    }),
    cap: workspace.frequency_cap,
    capWindowMs: workspace.frequency_window_days * DAY,
    holdoutPercent: row.holdout_percent,
    holdoutSeed: Number(row.holdout_seed),
  };
}

type Plan = Awaited<ReturnType<typeof planExpansion>>;

/** Replaces link marks by short links, one code per distinct URL, recording them in `links`. */
function spliceCodes(
  text: string,
  urls: readonly string[],
  prefix: string,
  nextCode: () => string,
  links: { url: string; code: string }[],
): string {
  let at = text.indexOf(MARK);
  if (at < 0) return text;
  let out = '';
  let from = 0;
  while (at >= 0) {
    const url = urls[text.charCodeAt(at + 1) - 0xe000] as string;
    let code: string | undefined;
    for (const link of links) if (link.url === url) code = link.code;
    if (code === undefined) {
      code = nextCode();
      links.push({ url, code });
    }
    out += text.slice(from, at) + prefix + code;
    from = at + 2;
    at = text.indexOf(MARK, from);
  }
  return out + text.slice(from);
}

function parseCustom(text: string): Record<string, unknown> {
  if (text === '{}') return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    // A member whose custom fields cannot be read renders with none.
    return {};
  }
}

/** Printable ASCII that GSM 03.38 holds in its basic table (not [ \ ] ^ ` { | } ~), and line breaks. */
const BASIC_GSM_ASCII = /^[\n\r\x20-\x5a\x5f\x61-\x7a]*$/;

/**
 * Writes members' messages: language variant, short links (recorded in `links` as code, URL, member id), first-message
 * footer, and the segment count of the result (in `analysis` after each call).
 */
function composer(plan: Plan, compiled: CompiledTemplates) {
  const nextCode = codeSource();
  const shapes = new Map<string, SmsAnalysis>();
  const short = new Map<number, SmsAnalysis>();
  const memberLinks: { url: string; code: string }[] = [];
  const state = { analysis: null as SmsAnalysis | null };
  /** One segment of GSM text of this length: most messages are, and need no character-by-character count. */
  const oneSegment = (length: number): SmsAnalysis => {
    let analysis = short.get(length);
    if (analysis === undefined) {
      analysis = analyzeSms('a'.repeat(length));
      short.set(length, analysis);
    }
    return analysis;
  };
  const analyze = (body: string) => (body.length <= 160 && BASIC_GSM_ASCII.test(body) ? oneSegment(body.length) : analyzeSms(body));

  function compose(member: AudienceMember, first: boolean, links: unknown[]): string {
    const language = compiled.languageFor(member.language);
    const variant = plan.variants.get(language) as Variant;
    memberLinks.length = 0;
    const rendered = compiled.render(language, {
      member: {
        first_name: member.first_name,
        last_name: member.last_name,
        email: member.email,
        postal_code: member.postal_code,
        language: member.language,
        custom: plan.columns.customFields ? parseCustom(member.custom_fields) : {},
      },
      community: plan.community,
      workspace: { name: plan.workspace.name },
    });
    let body = spliceCodes(rendered, plan.urls, plan.linkPrefix, nextCode, memberLinks);
    if (variant.dynamicLinks) {
      let out = '';
      let from = 0;
      for (const link of findLinks(body)) {
        if (body.startsWith(plan.linkPrefix, link.start)) continue;
        let code: string | undefined;
        for (const known of memberLinks) if (known.url === link.url) code = known.code;
        if (code === undefined) {
          code = nextCode();
          memberLinks.push({ url: link.url, code });
        }
        out += body.slice(from, link.start) + plan.linkPrefix + code;
        from = link.end;
      }
      body = out + body.slice(from);
    }
    for (const link of memberLinks) links.push(link.code, link.url, member.id);
    if (first)
      body =
        variant.footerSuffix === null ? withFirstMessageFooter(body, variant.footer, plan.workspace.name) : body + variant.footerSuffix;
    if (!plan.sms) {
      state.analysis = null;
      return body;
    }
    // Every member of a plain variant gets text of the same shape: codes are all the same length, in GSM letters.
    if (variant.plain) {
      const shape = first ? `${language}\u0001` : language;
      let analysis = shapes.get(shape);
      if (analysis === undefined) {
        analysis = analyzeSms(body);
        shapes.set(shape, analysis);
      }
      state.analysis = analysis;
    } else {
      state.analysis = analyze(body);
    }
    return body;
  }
  return { compose, state };
}

// ── The run ───────────────────────────────────────────────────────────────────────────────────────────────────────

const none = { queued: 0, skipped: 0 };

/** Runs (or resumes) the expansion of a broadcast that is expanding, or scheduled and due. */
export async function expandBroadcast(deps: ExpandDeps, options: ExpandOptions): Promise<ExpandResult> {
  const { db, clock } = deps;
  const { workspaceId, broadcastId } = options;
  const batchSize = options.batchSize ?? EXPAND_BATCH;
  let row = await findBroadcast(db, workspaceId, broadcastId);
  if (row?.status === 'scheduled' && (row.scheduled_at ?? 0) <= clock.now()) {
    const now = clock.now();
    row = await db.transaction().execute(async (trx) => {
      const started = await transitionBroadcast(trx, {
        workspaceId,
        broadcastId,
        from: ['scheduled'],
        set: { status: 'expanding', updated_at: now },
      });
      if (started) await audit(trx, started, 'broadcast.expanding', now, {});
      return started;
    });
  }
  if (row?.status !== 'expanding') return { outcome: 'not_expanding', ...none };
  row = (await freezeSegment(deps, row)) ?? undefined;
  if (!row) return { outcome: 'stopped', ...none };

  const plan = await planExpansion(deps, row);
  const sender = plan.sender;
  if (!sender || sender.archived_at !== null) {
    const reason = `Paused: the broadcast has no ${plan.sms ? 'SMS' : 'email'} sender. Add or choose a sender, then resume.`;
    await db.transaction().execute((trx) => pauseBroadcast(trx, { workspaceId, broadcastId, now: clock.now(), reason }));
    return { outcome: 'stopped', ...none };
  }
  const { compiled, sms } = plan;
  const targets = new Map<string, number>();
  const { compose, state } = composer(plan, compiled);
  const constants = {
    workspaceId,
    channel: row.channel,
    broadcastId,
    senderId: sender.id,
    from: sender.address,
    subject: sms ? null : row.subject,
    mediaUrls: plan.mediaUrls,
  };
  let cursor = row.expand_cursor;
  let position = row.recipient_count;
  let queued = 0;
  let skippedTotal = 0;

  /** Screens, writes and links one window of members; returns how many messages it wrote. */
  async function writeWindow(
    trx: Executor,
    members: AudienceMember[],
    after: number,
    last: number,
    now: number,
    group: Group,
  ): Promise<number> {
    let reachable: AudienceMember[] = [];
    for (const member of members) {
      const reason = member.skip;
      if (reason === null) reachable.push(member);
      else group.skipped[SKIP_STAT[reason]] = (group.skipped[SKIP_STAT[reason]] ?? 0) + 1;
    }
    let contacted: Set<number> | null = null;
    const history = reachable.length > 0 && (await anyHistory(trx, after, last));
    if (history) {
      const ids = reachable.map((m) => m.id);
      const recent = await recentCounts(trx, { workspaceId, broadcastId, since: now - plan.capWindowMs }, ids);
      const allowed = reachable.filter((m) => (recent.get(m.id) ?? 0) < plan.cap);
      if (allowed.length < reachable.length)
        group.skipped.skipped_frequency_cap = (group.skipped.skipped_frequency_cap ?? 0) + reachable.length - allowed.length;
      reachable = allowed;
      if (sms)
        contacted = await alreadyContacted(
          trx,
          { workspaceId, broadcastId },
          allowed.map((m) => m.id),
        );
    }
    if (reachable.length > 0 && plan.holdoutPercent > 0) {
      const treated: AudienceMember[] = [];
      const held: number[] = [];
      for (const member of reachable) {
        if (isHeldOut(plan.holdoutSeed, member.id, plan.holdoutPercent)) held.push(member.id);
        else treated.push(member);
      }
      if (held.length > 0) group.heldOut += await insertBroadcastHoldouts(trx, { workspaceId, broadcastId, now }, held);
      reachable = treated;
    }
    if (reachable.length === 0) return 0;

    const flat: unknown[] = [];
    // code, URL (replaced by its target's id when written), member id
    const links: unknown[] = [];
    const start = position + group.inserted;
    for (let i = 0; i < reachable.length; i++) {
      const member = reachable[i] as AudienceMember;
      const body = compose(member, sms && !contacted?.has(member.id), links);
      let due = plan.base;
      const local = plan.schedule.localStart(member.timezone);
      if (local !== null) due = Math.max(local, now);
      if (plan.throttleMs > 0) due = Math.max(due, Math.floor(plan.base + (start + i) * plan.throttleMs));
      const { sendAt, expiresAt } = plan.schedule.place(due, member.timezone);
      const analysis = state.analysis;
      flat.push(
        member.id,
        sms ? member.phone : member.email,
        body,
        analysis ? Math.max(1, analysis.segments) : 1,
        analysis ? analysis.encoding : 'email',
        sendAt,
        expiresAt,
      );
    }
    const newUrls = new Set<string>();
    for (let i = 1; i < links.length; i += 3) {
      const url = links[i] as string;
      if (!targets.has(url) && !group.targets.has(url)) newUrls.add(url);
    }
    if (newUrls.size > 0) {
      const tracked = new Map([...newUrls].map((url) => [url, withUtm(url, plan.utm)]));
      const ids = await ensureLinkTargets(trx, { workspaceId, broadcastId, urls: [...tracked.values()], now });
      for (const [url, withParams] of tracked) group.targets.set(url, ids.get(withParams) as number);
    }
    const written = await insertBroadcastMessages(trx, { ...constants, now }, flat, history);
    // A member whose message was already written keeps the links written with it.
    const writtenIds = written.inserted === reachable.length ? null : new Set(written.rows.map((w) => Number(w.member_id)));
    // In code order: codes are random, and inserting them sorted touches the code index page by page.
    const order: number[] = [];
    for (let i = 0; i < links.length; i += 3) if (!writtenIds || writtenIds.has(links[i + 2] as number)) order.push(i);
    order.sort((a, b) => ((links[a] as string) < (links[b] as string) ? -1 : 1));
    const linkFlat: unknown[] = [];
    for (const i of order) {
      const url = links[i + 1] as string;
      linkFlat.push(links[i], targets.get(url) ?? group.targets.get(url), links[i + 2]);
    }
    await insertBroadcastLinks(trx, { workspaceId, broadcastId, now }, linkFlat);
    return written.inserted;
  }

  while (cursor !== EXPANSION_DONE) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('the expansion was stopped');
    const now = clock.now();
    const group: Group = { inserted: 0, heldOut: 0, skipped: {}, targets: new Map(), cursor };
    try {
      // Several windows per transaction: a commit writes every index page the transaction touched (short-link codes
      // are random, so that is most of the codes' index), and fewer, larger commits write far less. The rows and
      // time bounds keep the transaction, and SQLite's single writer, short.
      await db.transaction().execute(async (trx) => {
        // The broadcast row first: a pause or cancel committed meanwhile is seen here (or waits for this group).
        const claimed = await trx
          .updateTable('broadcasts')
          .set({ updated_at: now })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', broadcastId)
          .where('status', '=', 'expanding')
          .where('expand_cursor', '=', cursor)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) === 0) throw new WindowRefused();
        const started = performance.now();
        let members = 0;
        do {
          const window = await audienceWindow(trx, workspaceId, plan.audience, group.cursor, batchSize, plan.columns);
          const last = window.upTo ?? window.members.at(-1)?.id ?? group.cursor;
          group.inserted += await writeWindow(trx, window.members, group.cursor, last, now, group);
          members += window.members.length;
          group.cursor = window.upTo === null ? EXPANSION_DONE : last;
        } while (group.cursor !== EXPANSION_DONE && members < COMMIT_MEMBERS && performance.now() - started < COMMIT_BUDGET_MS);
        await bumpStats(trx, workspaceId, broadcastId, { queued: group.inserted, held_out: group.heldOut, ...group.skipped });
        await trx
          .updateTable('broadcasts')
          .set((eb) => ({ expand_cursor: group.cursor, recipient_count: eb('recipient_count', '+', group.inserted) }))
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', broadcastId)
          .execute();
      });
    } catch (error) {
      if (!(error instanceof WindowRefused)) throw error;
      const current = await findBroadcast(db, workspaceId, broadcastId);
      if (current?.status !== 'expanding') return { outcome: 'stopped', queued, skipped: skippedTotal };
      // Another run moved the cursor: carry on from where it is.
      cursor = current.expand_cursor;
      position = current.recipient_count;
      continue;
    }
    // Give the event loop a turn between transactions: on SQLite the driver is synchronous, and in `groundswell start`
    // the same process answers HTTP requests and webhooks while a big audience expands.
    await new Promise((resolve) => setImmediate(resolve));
    for (const [url, id] of group.targets) targets.set(url, id);
    cursor = group.cursor;
    position += group.inserted;
    queued += group.inserted;
    for (const n of Object.values(group.skipped)) skippedTotal += n ?? 0;
  }
  return finish(deps, row, queued, skippedTotal);
}

/**
 * A segment audience is frozen once, when the expansion begins (at launch, or at the scheduled time): the snapshot,
 * not the segment, is then the audience of this run and of any resumed one. Returns the broadcast as it is now, or
 * null when it no longer expands (a segment deleted before it went out pauses it).
 */
async function freezeSegment(deps: ExpandDeps, row: BroadcastRow): Promise<BroadcastRow | null> {
  const { segmentId } = storedAudience(row.audience);
  if (segmentId === null || row.segment_snapshot_id !== null) return row;
  const { db, clock } = deps;
  const workspaceId = row.workspace_id;
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    // The broadcast row first: a run racing this one waits here, then finds the snapshot taken.
    const claimed = await trx
      .updateTable('broadcasts')
      .set({ updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', row.id)
      .where('status', '=', 'expanding')
      .where('segment_snapshot_id', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return;
    if (!(await findSegment(trx, workspaceId, segmentId))) {
      const reason = 'Paused: the segment of its audience was deleted before it went out. Cancel it and send a new broadcast.';
      await pauseBroadcast(trx, { workspaceId, broadcastId: row.id, now, reason });
      return;
    }
    const snapshotId = await snapshotSegment(trx, workspaceId, segmentId, now, { purpose: 'broadcast' });
    await trx
      .updateTable('broadcasts')
      .set({ segment_snapshot_id: snapshotId })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', row.id)
      .execute();
    await audit(trx, row, 'broadcast.audience_frozen', now, { segmentId, snapshotId });
  });
  const current = await findBroadcast(db, workspaceId, row.id);
  return current?.status === 'expanding' ? current : null;
}

async function audit(trx: Executor, row: BroadcastRow, action: string, now: number, data: Record<string, unknown>) {
  await recordAudit(trx, { workspaceId: row.workspace_id, actor: null, action, targetType: 'broadcast', targetId: row.id, data, at: now });
}

/** The audience is written: the broadcast is sending, or completed when nothing is left to send. */
async function finish(deps: ExpandDeps, row: BroadcastRow, queued: number, skipped: number): Promise<ExpandResult> {
  const now = deps.clock.now();
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const stats = await readStats(trx, row.workspace_id, row.id);
    const total = stats.get('queued') ?? 0;
    const done = total === 0 || (stats.get('finished') ?? 0) >= total;
    const moved = await transitionBroadcast(trx, {
      workspaceId: row.workspace_id,
      broadcastId: row.id,
      from: ['expanding'],
      set: { status: done ? 'completed' : 'sending', updated_at: now, ...(done ? { completed_at: now } : {}) },
    });
    if (!moved) return 'stopped' as const;
    await audit(trx, moved, done ? 'broadcast.completed' : 'broadcast.sending', now, { recipients: moved.recipient_count });
    return 'done' as const;
  });
  return { outcome, queued, skipped };
}
