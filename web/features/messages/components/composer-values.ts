import { ACTION_ACTIVITY_TYPES } from '../../../../common/workflows.ts';
import type { BroadcastInput } from '../api/create-broadcast.ts';
import type { Broadcast } from '../api/get-broadcast.ts';
import type { Channel } from '../api/list-broadcasts.ts';
import type { PreviewInput } from '../api/preview-broadcast.ts';

export type ScheduleKind = 'now' | 'at' | 'local_time';

/** What the composer's fields hold, as typed (strings where inputs give strings). */
export type ComposerValues = {
  name: string;
  channel: Channel;
  communityIds: string[];
  tags: string[];
  /** null: the default sender of the channel. */
  senderId: string | null;
  defaultLanguage: string;
  /** One version per language, the default language first. */
  templates: Record<string, string>;
  subject: string;
  mediaUrl: string;
  trackLinks: boolean;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
  scheduleKind: ScheduleKind;
  /** `YYYY-MM-DDTHH:MM` in the browser's time zone. */
  scheduleAt: string;
  localDate: string;
  localTime: string;
  throttlePerMinute: number | string;
  /** 0: no holdout group. */
  holdoutPercent: number | string;
  /** The goal a holdout is measured on: any of these activities, of one action or any, within so many days. */
  goalTypes: string[];
  goalActionId: string | null;
  goalDays: number | string;
};

/** The goal a new holdout starts with (the server's default too): any action within 14 days. */
export const DEFAULT_GOAL_TYPES: readonly string[] = ACTION_ACTIVITY_TYPES;
export const DEFAULT_GOAL_DAYS = 14;

export function emptyValues(): ComposerValues {
  return {
    name: '',
    channel: 'sms',
    communityIds: [],
    tags: [],
    senderId: null,
    defaultLanguage: 'en',
    templates: { en: '' },
    subject: '',
    mediaUrl: '',
    trackLinks: true,
    utmSource: '',
    utmMedium: '',
    utmCampaign: '',
    scheduleKind: 'now',
    scheduleAt: '',
    localDate: '',
    localTime: '18:00',
    throttlePerMinute: '',
    holdoutPercent: 0,
    goalTypes: [...DEFAULT_GOAL_TYPES],
    goalActionId: null,
    goalDays: DEFAULT_GOAL_DAYS,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Epoch ms as the value of a `datetime-local` input, in the browser's time zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function valuesFromBroadcast(broadcast: Broadcast): ComposerValues {
  const empty = emptyValues();
  const schedule = broadcast.schedule ?? { kind: 'now' as const };
  const { [broadcast.defaultLanguage]: first = '', ...others } = broadcast.templates;
  return {
    ...empty,
    name: broadcast.name,
    channel: broadcast.channel,
    communityIds: broadcast.audience.communityIds.map(String),
    tags: broadcast.audience.tags,
    senderId: broadcast.senderId === null ? null : String(broadcast.senderId),
    defaultLanguage: broadcast.defaultLanguage,
    templates: { [broadcast.defaultLanguage]: first, ...others },
    subject: broadcast.subject ?? '',
    mediaUrl: broadcast.mediaUrl ?? '',
    trackLinks: broadcast.trackLinks,
    utmSource: broadcast.utm?.source ?? '',
    utmMedium: broadcast.utm?.medium ?? '',
    utmCampaign: broadcast.utm?.campaign ?? '',
    scheduleKind: schedule.kind,
    scheduleAt: schedule.kind === 'at' ? toLocalInput(schedule.at) : '',
    localDate: schedule.kind === 'local_time' ? schedule.date : '',
    localTime: schedule.kind === 'local_time' ? schedule.time : empty.localTime,
    throttlePerMinute: broadcast.throttlePerMinute ?? '',
    holdoutPercent: broadcast.holdoutPercent,
    goalTypes: broadcast.goal?.types ?? empty.goalTypes,
    goalActionId: broadcast.goal?.actionId ? String(broadcast.goal.actionId) : null,
    goalDays: broadcast.goal?.withinDays ?? empty.goalDays,
  };
}

const wholeNumber = (value: number | string) => (typeof value === 'number' ? value : Number.parseInt(value, 10));

/** The share held out as a number (0 when the field is empty). */
export function holdoutOf(values: ComposerValues): number {
  const percent = wholeNumber(values.holdoutPercent);
  return Number.isFinite(percent) ? percent : 0;
}

/** The request body for `values`. Versions in other languages left empty are not sent. */
export function toInput(values: ComposerValues): BroadcastInput {
  const templates = Object.fromEntries(
    Object.entries(values.templates).filter(([language, text]) => language === values.defaultLanguage || text.trim() !== ''),
  );
  const utm = {
    ...(values.utmSource.trim() ? { source: values.utmSource.trim() } : {}),
    ...(values.utmMedium.trim() ? { medium: values.utmMedium.trim() } : {}),
    ...(values.utmCampaign.trim() ? { campaign: values.utmCampaign.trim() } : {}),
  };
  const throttle = wholeNumber(values.throttlePerMinute);
  const holdout = holdoutOf(values);
  const days = wholeNumber(values.goalDays);
  return {
    name: values.name.trim(),
    channel: values.channel,
    audience: { communityIds: values.communityIds.map(Number), tags: values.tags },
    senderId: values.senderId === null ? null : Number(values.senderId),
    templates,
    defaultLanguage: values.defaultLanguage,
    subject: values.channel === 'email' ? values.subject.trim() || null : null,
    mediaUrl: values.channel === 'sms' ? values.mediaUrl.trim() || null : null,
    trackLinks: values.trackLinks,
    utm: Object.keys(utm).length > 0 ? utm : null,
    schedule: scheduleOf(values),
    throttlePerMinute: Number.isFinite(throttle) && throttle > 0 ? throttle : null,
    holdoutPercent: holdout,
    // An empty number of days is sent as 0 so the server names the field.
    goal:
      holdout > 0
        ? {
            types: values.goalTypes,
            withinDays: Number.isFinite(days) ? days : 0,
            ...(values.goalActionId ? { actionId: Number(values.goalActionId) } : {}),
          }
        : null,
  };
}

function scheduleOf(values: ComposerValues): BroadcastInput['schedule'] {
  if (values.scheduleKind === 'at') {
    const at = new Date(values.scheduleAt).getTime();
    // An empty or half-typed date is sent as 0 so the server names the field that is wrong.
    return { kind: 'at', at: Number.isFinite(at) ? at : 0 };
  }
  if (values.scheduleKind === 'local_time') return { kind: 'local_time', date: values.localDate, time: values.localTime };
  return { kind: 'now' };
}

export type SetValue = <K extends keyof ComposerValues>(field: K, value: ComposerValues[K]) => void;

/** Whether the message in the default language is written yet (without it there is no cost to estimate). */
export function hasMessage(values: ComposerValues): boolean {
  return (values.templates[values.defaultLanguage] ?? '').trim() !== '';
}

/**
 * What to preview, or null when there is nothing to ask yet. Before the message is written the audience is still
 * counted, with a stand-in text whose cost the summary does not show. Fields still being typed (no name, a schedule
 * without its date) are left out: the preview is about who and how much, and saving reports them.
 */
export function previewInputOf(values: ComposerValues): PreviewInput | null {
  const hasAudience = values.communityIds.length > 0 || values.tags.length > 0;
  if (!hasAudience && !hasMessage(values)) return null;
  // The holdout changes nothing a preview shows: it is left out, so editing it asks nothing again.
  const { name, schedule, holdoutPercent: _holdout, goal: _goal, ...input } = toInput(values);
  const complete = schedule.kind === 'now' || (schedule.kind === 'at' ? schedule.at > 0 : schedule.date !== '');
  return {
    ...input,
    ...(name ? { name } : {}),
    schedule: complete ? schedule : { kind: 'now' },
    ...(hasMessage(values) ? {} : { templates: { [values.defaultLanguage]: '.' } }),
  };
}
