import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { RsvpStatus } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { type ActionRow, actionPath, findAction, uniqueActionSlug } from '../actions/actions.repo.ts';
import { safeCell } from '../imports/export.ts';
import { isValidTimezone } from '../messaging/quiet-hours.ts';
import { epochToLocal, localToEpoch } from './event-time.ts';
import { type EventSettings, moveRsvp, newCheckinCode, readSettings, recordAttended, type ShiftRow, shiftsOf } from './events.repo.ts';
import type { EventInput, EventOut, EventPatch, ShiftInput } from './events.schema.ts';
import { RSVP_STATUSES } from './events.schema.ts';

// Events as staff manage them: create and edit with shifts, publish / close, approve a volunteer-hosted event, the
// RSVP list per shift, check-in and no-shows. What members do on the public page is in rsvp.service.ts.

type Deps = { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> };

const notFound = () => new AppError({ code: 'action.not_found', status: 404, message: 'No such event in this workspace.' });
const invalid = (path: string, message: string) =>
  new AppError({
    code: 'action.invalid',
    status: 400,
    message: `The event is not valid: ${path.replace('body.', '')} ${message}.`,
    fields: [{ path, message }],
  });

const CSV_PAGE = 1_000;
const RSVP_CSV_HEADER = 'first_name,last_name,phone,email,shift,status,guests,friend_name,friend_phone,source,ref,created_at,attended_at\n';

/** One CSV line: formulas defused (a phone number's + is kept), quoted when needed. */
const csvLine = (values: (string | number | null)[]) =>
  `${values
    .map((value) => {
      const text = safeCell(value === null ? '' : String(value));
      return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',')}\n`;

const isoOrEmpty = (at: number | null) => (at === null ? '' : new Date(at).toISOString());

export function shiftOut(shift: ShiftRow, timezone: string) {
  const start = epochToLocal(shift.starts_at, timezone);
  const end = epochToLocal(shift.ends_at, timezone);
  return {
    id: shift.id,
    date: start.date,
    start: start.time,
    end: end.time,
    startsAt: shift.starts_at,
    endsAt: shift.ends_at,
    capacity: shift.capacity,
    waitlist: shift.waitlist === 1,
    going: shift.going_count,
    waitlisted: shift.waitlist_count,
    attended: shift.attended_count,
    spotsLeft: shift.capacity === null ? null : Math.max(0, shift.capacity - shift.going_count),
    checkinCode: shift.checkin_code,
  };
}

function summaryOf(row: ActionRow, settings: EventSettings, shifts: ShiftRow[], workspaceSlug: string, now: number) {
  const upcoming = shifts.find((s) => s.ends_at > now) ?? null;
  const unlimited = shifts.some((s) => s.capacity === null);
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    status: row.status,
    approval: settings.approval,
    format: settings.format,
    timezone: settings.timezone,
    nextShift: upcoming ? { startsAt: upcoming.starts_at, endsAt: upcoming.ends_at } : null,
    shiftCount: shifts.length,
    going: shifts.reduce((sum, s) => sum + s.going_count, 0),
    capacity: unlimited || shifts.length === 0 ? null : shifts.reduce((sum, s) => sum + (s.capacity ?? 0), 0),
    takenCount: row.taken_count,
    path: actionPath(workspaceSlug, row),
    createdAt: row.created_at,
  };
}

export function createEventsService({ db, clock, config }: Deps) {
  const workspaceOf = (workspaceId: number) =>
    db.selectFrom('workspaces').select(['slug', 'timezone']).where('id', '=', workspaceId).executeTakeFirstOrThrow();

  async function requireEvent(workspaceId: number, eventId: number) {
    const row = await findAction(db, workspaceId, eventId, 'event');
    if (!row) throw notFound();
    return row;
  }

  async function get(workspaceId: number, eventId: number): Promise<EventOut> {
    const [row, workspace] = await Promise.all([requireEvent(workspaceId, eventId), workspaceOf(workspaceId)]);
    const settings = readSettings(row.settings, workspace.timezone);
    const shifts = await shiftsOf(db, workspaceId, [row.id]);
    const base = summaryOf(row, settings, shifts, workspace.slug, clock.now());
    return {
      ...base,
      url: `${config.publicUrl}${base.path}`,
      summary: row.summary,
      description: row.description,
      location: settings.location,
      address: settings.address,
      joinUrl: settings.joinUrl,
      hostName: settings.hostName,
      volunteerHosted: settings.volunteerHosted,
      consentWording: row.consent_wording,
      communityId: row.community_id,
      nextActionId: row.next_action_id,
      publishedAt: row.published_at,
      closedAt: row.closed_at,
      shifts: shifts.map((s) => shiftOut(s, settings.timezone)),
    };
  }

  async function list(workspaceId: number) {
    const workspace = await workspaceOf(workspaceId);
    const rows = await db
      .selectFrom('actions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('type', '=', 'event')
      .orderBy('id', 'desc')
      .limit(500)
      .execute();
    const shifts = await shiftsOf(
      db,
      workspaceId,
      rows.map((r) => r.id),
    );
    const byAction = Map.groupBy(shifts, (s) => s.action_id);
    const now = clock.now();
    return rows.map((row) =>
      summaryOf(row, readSettings(row.settings, workspace.timezone), byAction.get(row.id) ?? [], workspace.slug, now),
    );
  }

  /**
   * Checks what zod cannot: the time zone, the place or link the format needs, the community, the next step (another
   * action of this workspace), the shift times.
   */
  async function validate(
    workspaceId: number,
    input: { settings: EventSettings; communityId: number | null; nextActionId: number | null; eventId?: number; shifts?: ShiftInput[] },
  ): Promise<{ startsAt: number; endsAt: number }[]> {
    const { settings } = input;
    if (!isValidTimezone(settings.timezone)) throw invalid('body.timezone', 'is not a time zone (use a name like America/Chicago)');
    if (settings.format === 'virtual' && settings.joinUrl === '') throw invalid('body.joinUrl', 'is required for a virtual event');
    if (settings.format === 'in_person' && settings.location === '' && settings.address === '') {
      throw invalid('body.location', 'is required for an in-person event (or give an address)');
    }
    if (input.communityId !== null) {
      const community = await db
        .selectFrom('communities')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', input.communityId)
        .executeTakeFirst();
      if (!community) throw invalid('body.communityId', 'is not a community of this workspace');
    }
    if (input.nextActionId !== null) {
      if (input.nextActionId === input.eventId) throw invalid('body.nextActionId', 'cannot be the event itself');
      if (!(await findAction(db, workspaceId, input.nextActionId)))
        throw invalid('body.nextActionId', 'is not an action of this workspace');
    }
    return (input.shifts ?? []).map((s) => ({
      startsAt: localToEpoch(s.date, s.start, settings.timezone),
      endsAt: localToEpoch(s.date, s.end, settings.timezone),
    }));
  }

  async function create(
    workspaceId: number,
    createdBy: number | null,
    input: Omit<EventInput, 'nextActionId'> & { nextActionId?: number | null },
  ): Promise<EventOut> {
    const workspace = await workspaceOf(workspaceId);
    const settings: EventSettings = {
      format: input.format,
      location: input.location,
      address: input.address,
      joinUrl: input.joinUrl,
      timezone: input.timezone || workspace.timezone,
      hostName: input.hostName,
      volunteerHosted: input.volunteerHosted,
      approval: input.volunteerHosted ? 'pending' : 'approved',
    };
    const times = await validate(workspaceId, {
      settings,
      communityId: input.communityId,
      nextActionId: input.nextActionId ?? null,
      shifts: input.shifts,
    });
    const now = clock.now();
    const id = await db.transaction().execute(async (trx) => {
      const slug = await uniqueActionSlug(trx, workspaceId, input.title);
      const row = await trx
        .insertInto('actions')
        .values({
          workspace_id: workspaceId,
          type: 'event',
          slug,
          title: input.title,
          summary: input.summary,
          description: input.description,
          status: 'draft',
          community_id: input.communityId,
          consent_wording: input.consentWording,
          next_action_id: input.nextActionId ?? null,
          image_url: null,
          settings: JSON.stringify(settings),
          goal: null,
          survey_id: null,
          created_by: createdBy,
          created_at: now,
          updated_at: now,
          published_at: null,
          closed_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('event_shifts')
        .values(
          input.shifts.map((s, i) => ({
            workspace_id: workspaceId,
            action_id: row.id,
            starts_at: times[i]?.startsAt ?? 0,
            ends_at: times[i]?.endsAt ?? 0,
            capacity: s.capacity,
            waitlist: s.waitlist ? 1 : 0,
            checkin_code: newCheckinCode(),
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
      return row.id;
    });
    return get(workspaceId, id);
  }

  async function update(workspaceId: number, eventId: number, patch: EventPatch): Promise<EventOut> {
    const [row, workspace] = await Promise.all([requireEvent(workspaceId, eventId), workspaceOf(workspaceId)]);
    const before = readSettings(row.settings, workspace.timezone);
    const settings: EventSettings = {
      format: patch.format ?? before.format,
      location: patch.location ?? before.location,
      address: patch.address ?? before.address,
      joinUrl: patch.joinUrl ?? before.joinUrl,
      timezone: patch.timezone === undefined ? before.timezone : patch.timezone || workspace.timezone,
      hostName: patch.hostName ?? before.hostName,
      volunteerHosted: patch.volunteerHosted ?? before.volunteerHosted,
      approval: before.approval,
    };
    // Marked volunteer-hosted before it was published: an organizer approves it first.
    if (patch.volunteerHosted === true && !before.volunteerHosted && row.status === 'draft') settings.approval = 'pending';
    if (patch.volunteerHosted === false) settings.approval = 'approved';
    const communityId = patch.communityId === undefined ? row.community_id : patch.communityId;
    const nextActionId = patch.nextActionId === undefined ? row.next_action_id : patch.nextActionId;
    const times = await validate(workspaceId, {
      settings,
      communityId,
      nextActionId: patch.nextActionId ?? null, // checked when it changes
      eventId,
      ...(patch.shifts ? { shifts: patch.shifts } : {}),
    });
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('actions')
        .set({
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.summary !== undefined ? { summary: patch.summary } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.consentWording !== undefined ? { consent_wording: patch.consentWording } : {}),
          community_id: communityId,
          next_action_id: nextActionId,
          settings: JSON.stringify(settings),
          updated_at: now,
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', eventId)
        .execute();
      if (!patch.shifts) return;
      const existing = await shiftsOf(trx, workspaceId, [eventId]);
      const kept = new Set<number>();
      for (const [i, s] of patch.shifts.entries()) {
        const time = times[i] ?? { startsAt: 0, endsAt: 0 };
        if (s.id !== undefined) {
          if (!existing.some((e) => e.id === s.id)) throw invalid(`body.shifts.${i}.id`, 'is not a shift of this event');
          kept.add(s.id);
          await trx
            .updateTable('event_shifts')
            .set({ starts_at: time.startsAt, ends_at: time.endsAt, capacity: s.capacity, waitlist: s.waitlist ? 1 : 0, updated_at: now })
            .where('workspace_id', '=', workspaceId)
            .where('id', '=', s.id)
            .execute();
        } else {
          await trx
            .insertInto('event_shifts')
            .values({
              workspace_id: workspaceId,
              action_id: eventId,
              starts_at: time.startsAt,
              ends_at: time.endsAt,
              capacity: s.capacity,
              waitlist: s.waitlist ? 1 : 0,
              checkin_code: newCheckinCode(),
              created_at: now,
              updated_at: now,
            })
            .execute();
        }
      }
      const removed = existing.filter((e) => !kept.has(e.id)).map((e) => e.id);
      if (removed.length === 0) return;
      const taken = await trx
        .selectFrom('event_rsvps')
        .select('shift_id')
        .where('workspace_id', '=', workspaceId)
        .where('shift_id', 'in', removed)
        .limit(1)
        .executeTakeFirst();
      if (taken) throw invalid('body.shifts', 'leaves out a shift people have RSVPed to; keep it (change its time instead)');
      await trx.deleteFrom('event_shifts').where('workspace_id', '=', workspaceId).where('id', 'in', removed).execute();
    });
    return get(workspaceId, eventId);
  }

  async function setStatus(workspaceId: number, eventId: number, action: 'publish' | 'close'): Promise<EventOut> {
    const [row, workspace] = await Promise.all([requireEvent(workspaceId, eventId), workspaceOf(workspaceId)]);
    const settings = readSettings(row.settings, workspace.timezone);
    const now = clock.now();
    if (action === 'publish') {
      if (row.status === 'published') return get(workspaceId, eventId);
      if (settings.approval !== 'approved') {
        throw new AppError({
          code: 'action.invalid_transition',
          status: 409,
          message: 'This volunteer-hosted event waits for an organizer to approve it before it can be published.',
        });
      }
      await db
        .updateTable('actions')
        .set({ status: 'published', published_at: row.published_at ?? now, closed_at: null, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', eventId)
        .execute();
    } else {
      if (row.status === 'closed') return get(workspaceId, eventId);
      if (row.status !== 'published') {
        throw new AppError({ code: 'action.invalid_transition', status: 409, message: 'Only a published event can be closed.' });
      }
      await db
        .updateTable('actions')
        .set({ status: 'closed', closed_at: now, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', eventId)
        .execute();
    }
    return get(workspaceId, eventId);
  }

  async function approve(workspaceId: number, eventId: number): Promise<EventOut> {
    const [row, workspace] = await Promise.all([requireEvent(workspaceId, eventId), workspaceOf(workspaceId)]);
    const settings = readSettings(row.settings, workspace.timezone);
    if (settings.approval !== 'approved') {
      await db
        .updateTable('actions')
        .set({ settings: JSON.stringify({ ...settings, approval: 'approved' }), updated_at: clock.now() })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', eventId)
        .execute();
    }
    return get(workspaceId, eventId);
  }

  async function rsvps(
    workspaceId: number,
    eventId: number,
    query: { shiftId?: number | undefined; status?: RsvpStatus | undefined; q?: string | undefined; limit: number },
  ) {
    await requireEvent(workspaceId, eventId);
    let base = db
      .selectFrom('event_rsvps as r')
      .innerJoin('members as m', 'm.id', 'r.member_id')
      .where('r.workspace_id', '=', workspaceId)
      .where('r.action_id', '=', eventId);
    if (query.shiftId !== undefined) base = base.where('r.shift_id', '=', query.shiftId);
    const countRows = await base
      .select(['r.status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('r.status')
      .execute();
    const counts = Object.fromEntries(RSVP_STATUSES.map((s) => [s, 0])) as Record<RsvpStatus, number>;
    for (const c of countRows) counts[c.status] = Number(c.n);
    let rows = base.selectAll('r').select(['m.first_name', 'm.last_name', 'm.phone']);
    if (query.status) rows = rows.where('r.status', '=', query.status);
    const q = query.q?.trim().toLowerCase() ?? '';
    if (q !== '') {
      const digits = q.replace(/\D/g, '');
      rows = rows.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['m.first_name']), 'like', `${q}%`),
          eb(eb.fn('lower', ['m.last_name']), 'like', `${q}%`),
          ...(digits.length >= 3 ? [eb('m.phone', 'like', `%${digits}`)] : []),
        ]),
      );
    }
    const found = await rows.orderBy('m.first_name').orderBy('m.last_name').orderBy('r.id').limit(query.limit).execute();
    return {
      counts,
      rsvps: found.map((r) => ({
        id: r.id,
        shiftId: r.shift_id,
        memberId: r.member_id,
        name: [r.first_name, r.last_name].filter(Boolean).join(' ') || `Member #${r.member_id}`,
        phoneLast4: r.phone ? r.phone.slice(-4) : null,
        status: r.status,
        guests: r.guests,
        friendName: r.friend_name,
        friendPhone: r.friend_phone,
        source: r.source,
        ref: r.ref,
        checkedInAt: r.checked_in_at,
        checkinMethod: r.checkin_method,
        createdAt: r.created_at,
      })),
    };
  }

  /** An organizer checks someone in (or marks a no-show, or undoes either). */
  async function setAttendance(workspaceId: number, eventId: number, rsvpId: number, status: 'attended' | 'no_show' | 'going') {
    const event = await requireEvent(workspaceId, eventId);
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const rsvp = await trx
        .selectFrom('event_rsvps')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('action_id', '=', eventId)
        .where('id', '=', rsvpId)
        .executeTakeFirst();
      if (!rsvp) throw new AppError({ code: 'event.rsvp_not_found', status: 404, message: 'No such RSVP for this event.' });
      if (rsvp.status === status) return;
      if (rsvp.status === 'cancelled') {
        throw new AppError({ code: 'action.invalid_transition', status: 409, message: 'This RSVP was cancelled by the member.' });
      }
      if (!(await moveRsvp(trx, rsvp, status, now, { checkin: 'organizer' }))) {
        throw new AppError({
          code: 'action.invalid_transition',
          status: 409,
          message: 'The RSVP changed meanwhile; reload and try again.',
        });
      }
      if (status === 'attended') {
        await recordAttended(trx, {
          workspaceId,
          memberId: rsvp.member_id,
          actionId: eventId,
          communityId: event.community_id,
          shiftId: rsvp.shift_id,
          method: 'organizer',
          now,
        });
      }
    });
    const list = await rsvps(workspaceId, eventId, { limit: 1_000 });
    const found = list.rsvps.find((r) => r.id === rsvpId);
    if (!found) throw new AppError({ code: 'event.rsvp_not_found', status: 404, message: 'No such RSVP for this event.' });
    return found;
  }

  /** After a shift: everyone still "going" did not come. */
  async function markNoShows(workspaceId: number, eventId: number, shiftId: number) {
    await requireEvent(workspaceId, eventId);
    const shift = await db
      .selectFrom('event_shifts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('action_id', '=', eventId)
      .where('id', '=', shiftId)
      .executeTakeFirst();
    if (!shift) throw new AppError({ code: 'event.shift_not_found', status: 404, message: 'No such shift for this event.' });
    const now = clock.now();
    if (shift.ends_at > now) {
      throw new AppError({
        code: 'action.invalid_transition',
        status: 409,
        message: 'The shift has not ended yet: mark no-shows after it.',
      });
    }
    const result = await db
      .updateTable('event_rsvps')
      .set({ status: 'no_show', updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('shift_id', '=', shiftId)
      .where('status', '=', 'going')
      .executeTakeFirst();
    return { marked: Number(result.numUpdatedRows) };
  }

  /**
   * The RSVPs as CSV (personal data: the route needs members.export) in order of arrival, read in pages
   * so a big event never sits in memory. The first chunk is the header line, after the event is found.
   */
  async function* exportRsvpsCsv(workspaceId: number, eventId: number): AsyncGenerator<string> {
    const [row, workspace] = await Promise.all([requireEvent(workspaceId, eventId), workspaceOf(workspaceId)]);
    const { timezone } = readSettings(row.settings, workspace.timezone);
    const shifts = new Map(
      (await shiftsOf(db, workspaceId, [eventId])).map((s) => {
        const out = shiftOut(s, timezone);
        return [s.id, `${out.date} ${out.start}-${out.end}`];
      }),
    );
    yield RSVP_CSV_HEADER;
    let after = 0;
    for (;;) {
      const page = await db
        .selectFrom('event_rsvps as r')
        .innerJoin('members as m', 'm.id', 'r.member_id')
        .select([
          'r.id',
          'r.shift_id',
          'r.status',
          'r.guests',
          'r.friend_name',
          'r.friend_phone',
          'r.source',
          'r.ref',
          'r.created_at',
          'r.checked_in_at',
          'm.first_name',
          'm.last_name',
          'm.phone',
          'm.email',
        ])
        .where('r.workspace_id', '=', workspaceId)
        .where('m.workspace_id', '=', workspaceId)
        .where('r.action_id', '=', eventId)
        .where('r.id', '>', after)
        .orderBy('r.id')
        .limit(CSV_PAGE)
        .execute();
      if (page.length === 0) return;
      yield page
        .map((r) =>
          csvLine([
            r.first_name,
            r.last_name,
            r.phone,
            r.email,
            shifts.get(r.shift_id) ?? '',
            r.status,
            r.guests,
            r.friend_name,
            r.friend_phone,
            r.source,
            r.ref,
            isoOrEmpty(r.created_at),
            isoOrEmpty(r.checked_in_at),
          ]),
        )
        .join('');
      after = page.at(-1)?.id ?? after;
      if (page.length < CSV_PAGE) return;
    }
  }

  return { list, get, create, update, setStatus, approve, rsvps, setAttendance, markNoShows, exportRsvpsCsv };
}
