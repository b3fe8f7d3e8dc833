import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { CALL_COPY } from '../../pages/call.copy.ts';
import { type CallUrls, callFormPage } from '../../pages/call.pages.ts';
import type { Lang } from '../../pages/i18n.ts';
import { actionPath } from '../actions/actions.repo.ts';
import { type CallContext, callConsentWording, callWordingFingerprint, type TargetView } from './call-page.service.ts';
import { renderScript } from './call-script.ts';
import { type CallTargetRow, districtsOf, fixedTargetsOf, officialsFor, samplePostalCode } from './calls.repo.ts';
import { callSettings } from './calls.service.ts';

// The dashboard's phone preview of a call page (drafts too): the form, then the people to call as a member sees them
// next, the script filled in. A fixed list shows as it is; by postal code, the officials of the first postal code of
// the dataset stand in as a sample. Words only a member could give show as placeholders ([first name]).

export type CallPreview = ReturnType<typeof createCallPreview>;

export function createCallPreview({ db, config }: { db: Db; config: Pick<Config, 'publicUrl'> }) {
  /** The call with its workspace, whatever its status; null when the workspace has no such call. */
  async function context(workspaceId: number, callId: number): Promise<CallContext | null> {
    const row = await db
      .selectFrom('actions as a')
      .innerJoin('workspaces as w', 'w.id', 'a.workspace_id')
      .selectAll('a')
      .select(['w.name as workspace_name', 'w.slug as workspace_slug', 'w.timezone as workspace_timezone', 'w.default_country'])
      .where('a.workspace_id', '=', workspaceId)
      .where('a.id', '=', callId)
      .where('a.type', '=', 'call')
      .executeTakeFirst();
    return row ? { ...row, settings: callSettings(row) } : null;
  }

  async function sampleTargets(ctx: CallContext): Promise<{ rows: CallTargetRow[]; postalCode: string | null }> {
    if (ctx.settings.targetMode === 'fixed') return { rows: await fixedTargetsOf(db, ctx.workspace_id, ctx.id), postalCode: null };
    const postalCode = await samplePostalCode(db, ctx.workspace_id, ctx.settings.offices);
    if (postalCode === null) return { rows: [], postalCode: null };
    const districts = await districtsOf(db, ctx.workspace_id, postalCode);
    return { rows: await officialsFor(db, ctx.workspace_id, districts, ctx.settings.offices), postalCode };
  }

  /** The preview page in one language; null when the workspace has no such call. */
  async function page(workspaceId: number, callId: number, lang: Lang): Promise<string | null> {
    const ctx = await context(workspaceId, callId);
    if (!ctx) return null;
    const sample = CALL_COPY[lang].previewSample;
    const { rows, postalCode } = await sampleTargets(ctx);
    // Nobody to show yet (an empty list, no officials imported): one placeholder, so the script still shows.
    const people = rows.length > 0 ? rows : [{ id: 0, name: sample.target, title: '', office: '', district: '', phone: '' }];
    const targets: TargetView[] = people.map((t) => ({
      id: t.id,
      name: t.name,
      title: t.title,
      office: t.office,
      district: t.district,
      phone: t.phone,
      script: renderScript(ctx.settings.script, {
        member: { first_name: sample.firstName, last_name: sample.lastName, postal_code: postalCode ?? sample.postalCode },
        target: { name: t.name, title: t.title, office: t.office, district: t.district },
        workspace: { name: ctx.workspace_name },
      }),
      outcome: null,
    }));
    const base = actionPath(ctx.workspace_slug, ctx);
    const urls: CallUrls = {
      form: `${base}?lang=${lang}`,
      outcome: `${base}/outcome?lang=${lang}`,
      canonical: `${config.publicUrl}${base}`,
      otherLanguage: `${base}?lang=${CALL_COPY[lang].otherLanguage.lang}`,
      next: null,
    };
    const wording = callConsentWording(ctx, lang);
    return callFormPage({
      ctx,
      lang,
      urls,
      known: null,
      gsm: '',
      wording,
      wordingFingerprint: callWordingFingerprint(wording),
      preview: { targets, postalCode },
    });
  }

  return { page };
}
