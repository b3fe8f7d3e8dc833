// The wording of compliance replies (DESIGN.md §5): the workspace's own text where it wrote one, else these
// defaults. Every default is plain GSM-7 (no á/í/ó/ú, no smart quotes) so a reply costs one segment where it can.

export type ComplianceTexts = { helpText: string; optOutText: string; optInText: string; firstMessageFooter: string };
export type WorkspaceTexts = { name: string; help_text: string; opt_out_text: string; opt_in_text: string; first_message_footer: string };

const isSpanish = (language: string) => /^es(?:[-_]|$)/i.test(language.trim());

export function defaultComplianceTexts(workspaceName: string, language: string): ComplianceTexts {
  const name = workspaceName.trim();
  if (isSpanish(language)) {
    return {
      helpText: `${name}: responde BAJA para darte de baja o START para volver a suscribirte. Pueden aplicarse cargos por mensajes y datos.`,
      optOutText: `Te has dado de baja de ${name}. No te enviaremos otros mensajes. Responde START para volver a suscribirte.`,
      optInText: `${name}: te has vuelto a suscribir. Pueden aplicarse cargos por mensajes y datos. Responde AYUDA para ayuda o BAJA para darte de baja.`,
      firstMessageFooter: `${name}: Responde BAJA para darte de baja`,
    };
  }
  return {
    helpText: `${name}: reply STOP to unsubscribe, START to resubscribe. Msg & data rates may apply.`,
    optOutText: `You're unsubscribed from ${name} and will get no more texts. Reply START to resubscribe.`,
    optInText: `${name}: you're resubscribed. Msg & data rates may apply. Reply HELP for help, STOP to unsubscribe.`,
    firstMessageFooter: `${name}: Reply STOP to opt out`,
  };
}

/** The workspace's texts where set, defaults otherwise (language 'es' gets Spanish defaults when the workspace text is empty). */
export function complianceTexts(workspace: WorkspaceTexts, language: string): ComplianceTexts {
  const defaults = defaultComplianceTexts(workspace.name, language);
  const own = (text: string, fallback: string) => (text.trim() === '' ? fallback : text.trim());
  return {
    helpText: own(workspace.help_text, defaults.helpText),
    optOutText: own(workspace.opt_out_text, defaults.optOutText),
    optInText: own(workspace.opt_in_text, defaults.optInText),
    firstMessageFooter: own(workspace.first_message_footer, defaults.firstMessageFooter),
  };
}

const SAYS_HOW_TO_OPT_OUT = /\b(?:stop|baja|parar)\b/i;

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Appends the identification + opt-out footer to a first message unless the body already names the org and says STOP.
 * "Says STOP" also accepts the Spanish BAJA / PARAR; the name is matched ignoring case and accents. The footer goes
 * on its own line.
 */
export function withFirstMessageFooter(body: string, footer: string, workspaceName: string): string {
  const trimmedFooter = footer.trim();
  if (trimmedFooter === '') return body;
  const name = workspaceName.trim();
  const namesOrg = name !== '' && fold(body).includes(fold(name));
  if (namesOrg && SAYS_HOW_TO_OPT_OUT.test(body)) return body;
  if (body.includes(trimmedFooter)) return body;
  const trimmedBody = body.trimEnd();
  return trimmedBody === '' ? trimmedFooter : `${trimmedBody}\n${trimmedFooter}`;
}
