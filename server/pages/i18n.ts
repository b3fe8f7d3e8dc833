import type { FieldProblem, Lang } from '../modules/communities/join.service.ts';

export type { Lang };

export const LANGS: readonly Lang[] = ['en', 'es'];

/**
 * The page language: `?lang=` when it names a supported language, else the first supported language of the
 * browser's Accept-Language by preference (q-values), else English.
 */
export function pickLang(query: unknown, acceptLanguage: string | undefined): Lang {
  if (query === 'en' || query === 'es') return query;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { lang: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0 && (LANGS as readonly string[]).includes(entry.lang))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return (ranked[0]?.lang as Lang | undefined) ?? 'en';
}

export const countryName = (code: string, lang: Lang) => {
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
};

type Copy = {
  locale: string;
  otherLanguage: { lang: Lang; label: string };
  joinTitle: (community: string) => string;
  joinDescription: (community: string, workspace: string) => string;
  requestNote: string;
  guidelinesLink: string;
  guidelinesTitle: (community: string) => string;
  backToForm: string;
  firstName: string;
  phone: string;
  phoneHint: string;
  email: string;
  postalCode: (country: string) => string;
  optional: string;
  honeypot: string;
  submit: string;
  errorSummary: string;
  problem: (problem: FieldProblem) => string;
  checkTitle: string;
  checkLead: (masked: string) => string;
  codeLabel: string;
  codeHint: string;
  confirm: string;
  resend: string;
  differentNumber: string;
  simulator: (code: string) => string;
  wrongCode: (left: number) => string;
  tooManyAttempts: string;
  expiredTitle: string;
  expired: string;
  startAgain: string;
  welcomeTitle: (community: string) => string;
  welcome: (name: string | null, community: string) => string;
  alreadyMember: (community: string) => string;
  pendingTitle: string;
  pending: (name: string | null, community: string) => string;
  optOutReminder: string;
  inviteTitle: (community: string) => string;
  invite: (community: string) => string;
  notFoundTitle: string;
  notFound: string;
  limitedTitle: string;
  limited: string;
  sendFailedTitle: string;
  sendFailed: string;
  errorTitle: string;
  error: string;
  badRequest: string;
};

const en: Copy = {
  locale: 'en_US',
  otherLanguage: { lang: 'es', label: 'Español' },
  joinTitle: (c) => `Join ${c}`,
  joinDescription: (c, w) => `Join ${c} with ${w}.`,
  requestNote: 'Requests to join are reviewed by the community’s leaders.',
  guidelinesLink: 'Community guidelines',
  guidelinesTitle: (c) => `${c}: community guidelines`,
  backToForm: 'Back to the form',
  firstName: 'First name',
  phone: 'Mobile phone',
  phoneHint: 'We will text you a code to confirm it.',
  email: 'Email',
  postalCode: (country) => (country === 'US' ? 'ZIP code' : 'Postal code'),
  optional: '(optional)',
  honeypot: 'Leave this field empty',
  submit: 'Text me a code',
  errorSummary: 'Please fix this:',
  problem: (p) => {
    switch (p.kind) {
      case 'required':
        return 'This is required.';
      case 'too_long':
        return `Use at most ${p.max} characters.`;
      case 'invalid_phone':
        return 'This is not a phone number we recognise. Check the digits and the area code.';
      case 'landline':
        return 'This looks like a landline, which cannot receive texts. Enter a mobile number.';
      case 'other_country':
        return `Sorry, we can only text numbers in ${countryName(p.country, 'en')}.`;
      case 'invalid_email':
        return 'This is not an email address (like name@example.org). Leave it empty if you prefer.';
      case 'invalid_postal_code':
        return 'This is not a valid postal code. Leave it empty if you prefer.';
      case 'consent_required':
        return 'Tick the box to agree to receive texts; we can only add you with your consent.';
      case 'wording_changed':
        return 'The wording of this agreement has just changed. Please read it again and tick the box.';
    }
  },
  checkTitle: 'Check your phone',
  checkLead: (m) => `We sent a 6-digit code to the number ending ${m}. It expires in 10 minutes.`,
  codeLabel: 'Code',
  codeHint: 'The 6 digits from the text message.',
  confirm: 'Confirm',
  resend: 'Send me a new code',
  differentNumber: 'Use a different number',
  simulator: (code) => `Simulator: your code is ${code}`,
  wrongCode: (left) => `That code is not right. ${left === 1 ? '1 try left.' : `${left} tries left.`}`,
  tooManyAttempts: 'That code was wrong too many times. Ask for a new code.',
  expiredTitle: 'This code has expired',
  expired: 'The code is no longer valid (codes last 10 minutes and work once). Please start again.',
  startAgain: 'Start again',
  welcomeTitle: (c) => `Welcome to ${c}!`,
  welcome: (name, c) => `${name ? `Thank you, ${name}. ` : 'Thank you. '}You are now a member of ${c}.`,
  alreadyMember: (c) => `You were already a member of ${c}; your number is confirmed.`,
  pendingTitle: 'Request received',
  pending: (name, c) => `${name ? `Thank you, ${name}. ` : 'Thank you. '}Your request to join ${c} is waiting for a leader to approve it.`,
  optOutReminder: 'Reply STOP to any of our texts to stop them, or HELP for help.',
  inviteTitle: (c) => `${c} is invite only`,
  invite: (c) => `Members join ${c} when one of its leaders invites them. If you know someone in the community, ask them to invite you.`,
  notFoundTitle: 'Page not found',
  notFound: 'This page does not exist. The link may be mistyped, or the community has closed.',
  limitedTitle: 'Please wait a little',
  limited: 'Too many codes were requested recently. Please try again in an hour.',
  sendFailedTitle: 'We could not send the text',
  sendFailed: 'Something went wrong sending your code. Please try again in a few minutes.',
  errorTitle: 'Something went wrong',
  error: 'Something went wrong on our side. Please try again in a few minutes.',
  badRequest: 'We could not read what was sent. Please go back, reload the page and try again.',
};

const es: Copy = {
  locale: 'es_US',
  otherLanguage: { lang: 'en', label: 'English' },
  joinTitle: (c) => `Únete a ${c}`,
  joinDescription: (c, w) => `Únete a ${c} con ${w}.`,
  requestNote: 'Los líderes de la comunidad revisan las solicitudes para unirse.',
  guidelinesLink: 'Normas de la comunidad',
  guidelinesTitle: (c) => `${c}: normas de la comunidad`,
  backToForm: 'Volver al formulario',
  firstName: 'Nombre',
  phone: 'Teléfono celular',
  phoneHint: 'Te enviaremos un código por mensaje de texto para confirmarlo.',
  email: 'Correo electrónico',
  postalCode: () => 'Código postal',
  optional: '(opcional)',
  honeypot: 'Deja este campo vacío',
  submit: 'Envíame un código',
  errorSummary: 'Corrige lo siguiente:',
  problem: (p) => {
    switch (p.kind) {
      case 'required':
        return 'Este dato es obligatorio.';
      case 'too_long':
        return `Usa como máximo ${p.max} caracteres.`;
      case 'invalid_phone':
        return 'No reconocemos este número. Revisa los dígitos y el código de área.';
      case 'landline':
        return 'Parece un teléfono fijo, que no puede recibir mensajes de texto. Escribe un número celular.';
      case 'other_country':
        return `Lo sentimos, solo podemos enviar mensajes a números de ${countryName(p.country, 'es')}.`;
      case 'invalid_email':
        return 'Esto no es un correo electrónico (como nombre@ejemplo.org). Puedes dejarlo vacío.';
      case 'invalid_postal_code':
        return 'Este código postal no es válido. Puedes dejarlo vacío.';
      case 'consent_required':
        return 'Marca la casilla para aceptar los mensajes; solo podemos añadirte con tu consentimiento.';
      case 'wording_changed':
        return 'El texto de este acuerdo acaba de cambiar. Léelo de nuevo y marca la casilla.';
    }
  },
  checkTitle: 'Revisa tu teléfono',
  checkLead: (m) => `Enviamos un código de 6 dígitos al número que termina en ${m}. Vence en 10 minutos.`,
  codeLabel: 'Código',
  codeHint: 'Los 6 dígitos del mensaje de texto.',
  confirm: 'Confirmar',
  resend: 'Envíame un código nuevo',
  differentNumber: 'Usar otro número',
  simulator: (code) => `Simulador: tu código es ${code}`,
  wrongCode: (left) => `Ese código no es correcto. ${left === 1 ? 'Te queda 1 intento.' : `Te quedan ${left} intentos.`}`,
  tooManyAttempts: 'Ese código se escribió mal demasiadas veces. Pide un código nuevo.',
  expiredTitle: 'Este código ha vencido',
  expired: 'El código ya no es válido (dura 10 minutos y sirve una sola vez). Empieza de nuevo.',
  startAgain: 'Empezar de nuevo',
  welcomeTitle: (c) => `¡Te damos la bienvenida a ${c}!`,
  welcome: (name, c) => `${name ? `Gracias, ${name}. ` : 'Gracias. '}Ya eres miembro de ${c}.`,
  alreadyMember: (c) => `Ya eras miembro de ${c}; tu número está confirmado.`,
  pendingTitle: 'Solicitud recibida',
  pending: (name, c) => `${name ? `Gracias, ${name}. ` : 'Gracias. '}Tu solicitud para unirte a ${c} espera la aprobación de un líder.`,
  optOutReminder: 'Responde STOP a cualquiera de nuestros mensajes para dejar de recibirlos, o HELP para obtener ayuda.',
  inviteTitle: (c) => `${c} es solo por invitación`,
  invite: (c) => `Se entra a ${c} por invitación de uno de sus líderes. Si conoces a alguien de la comunidad, pídele que te invite.`,
  notFoundTitle: 'Página no encontrada',
  notFound: 'Esta página no existe. Puede que el enlace esté mal escrito o que la comunidad haya cerrado.',
  limitedTitle: 'Espera un poco',
  limited: 'Se pidieron demasiados códigos hace poco. Inténtalo de nuevo dentro de una hora.',
  sendFailedTitle: 'No pudimos enviar el mensaje',
  sendFailed: 'Algo falló al enviar tu código. Inténtalo de nuevo en unos minutos.',
  errorTitle: 'Algo salió mal',
  error: 'Algo salió mal de nuestro lado. Inténtalo de nuevo en unos minutos.',
  badRequest: 'No pudimos leer lo que se envió. Vuelve atrás, recarga la página e inténtalo de nuevo.',
};

export const COPY: Record<Lang, Copy> = { en, es };
