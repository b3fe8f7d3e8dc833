import type { CallOutcome } from '../db/schema.ts';
import type { CallProblem } from '../modules/calls/call-page.service.ts';
import { countryName, type Lang } from './i18n.ts';

// The call page's words in every supported language.

type CallCopy = {
  locale: string;
  otherLanguage: { lang: Lang; label: string };
  description: (title: string, workspace: string) => string;
  callsSoFar: (n: number, goal: number | null) => string;
  closedTitle: string;
  closed: string;
  callingAs: (name: string | null) => string;
  notYou: string;
  firstName: string;
  phone: string;
  phoneHint: string;
  postalCode: (country: string) => string;
  postalCodeHint: string;
  textMe: string;
  optional: string;
  honeypot: string;
  findTargets: string;
  showTargets: string;
  errorSummary: string;
  problem: (p: CallProblem) => string;
  targetsTitle: (n: number) => string;
  targetsLead: string;
  /** The dashboard's phone preview: the note on top, the heading of the sample people to call, sample words. */
  preview: string;
  previewTargets: (postalCode: string | null) => string;
  previewSample: { firstName: string; lastName: string; postalCode: string; target: string };
  call: (name: string) => string;
  script: string;
  howDidItGo: (name: string) => string;
  outcome: Record<CallOutcome, string>;
  loggedAs: (outcome: string) => string;
  loggedNote: (name: string, outcome: string) => string;
  callMe: string;
  callMePhone: string;
  callMeHint: (name: string) => string;
  callingTitle: string;
  calling: (from: string, name: string) => string;
  callingFallback: (name: string) => string;
  callFailed: string;
  callMeOffTitle: string;
  callMeOff: string;
  callMeLimitedTitle: string;
  callMeLimited: string;
  thanksTitle: (name: string | null) => string;
  thanks: string;
  nextStep: string;
  expiredTitle: string;
  expired: string;
  startAgain: string;
  limitedTitle: string;
  limited: string;
  notFoundTitle: string;
  notFound: string;
  errorTitle: string;
  error: string;
  badRequest: string;
};

const en: CallCopy = {
  locale: 'en_US',
  otherLanguage: { lang: 'es', label: 'Español' },
  description: (title, w) => `${title}: a quick call with ${w}.`,
  callsSoFar: (n, goal) =>
    `${n.toLocaleString('en-US')} ${n === 1 ? 'call' : 'calls'} so far${goal ? ` · goal ${goal.toLocaleString('en-US')}` : ''}`,
  closedTitle: 'This call campaign has closed',
  closed: 'Thank you for your interest. This campaign is no longer taking calls.',
  callingAs: (name) => (name ? `Calling as ${name}.` : 'We know who you are from your link.'),
  notYou: 'Not you?',
  firstName: 'First name',
  phone: 'Mobile phone',
  phoneHint: 'So we can count your call. We will not call you.',
  postalCode: (country) => (country === 'US' ? 'ZIP code' : 'Postal code'),
  postalCodeHint: 'We use it to find who represents you.',
  textMe: 'Texts from us',
  optional: '(optional)',
  honeypot: 'Leave this field empty',
  findTargets: 'Find who to call',
  showTargets: 'Show me who to call',
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
        return 'This looks like a landline. Please give a mobile number.';
      case 'other_country':
        return `Sorry, this campaign is for numbers in ${countryName(p.country, 'en')}.`;
      case 'invalid_postal_code':
        return 'This is not a valid postal code.';
      case 'no_targets':
        return 'We have no one for you to call for this postal code. Check it, or try the code where you vote.';
      case 'wording_changed':
        return 'The wording of this agreement has just changed. Please read it again and tick the box.';
    }
  },
  targetsTitle: (n) => (n === 1 ? 'Your call' : `Your ${n} calls`),
  targetsLead: 'Tap a number to call. Read the script (in your own words is best), then tell us how it went.',
  preview: 'Preview: this is how the page looks on a phone. Below the form, the people to call as a member will see them.',
  previewTargets: (postalCode) => (postalCode ? `Then, who to call (for example, for ${postalCode})` : 'Then, who to call'),
  previewSample: { firstName: '[first name]', lastName: '[last name]', postalCode: '[postal code]', target: '[their representative]' },
  call: (name) => `Call ${name}`,
  script: 'What to say',
  howDidItGo: (name) => `How did your call to ${name} go?`,
  outcome: { reached: 'I talked to someone', voicemail: 'I left a voicemail', busy: 'The line was busy', no_answer: 'No answer' },
  loggedAs: (o) => `Logged: ${o}. Called again? Tell us how it went.`,
  loggedNote: (name, o) => `Thank you! We logged your call to ${name}: ${o}.`,
  callMe: 'Call me and connect me',
  callMePhone: 'Your mobile number',
  callMeHint: (name) => `Or we call you and connect you to ${name}, and log how it went.`,
  callingTitle: 'We’re calling you now',
  calling: (from, name) => `Answer the call from ${from}: we will connect you to ${name}. We log how it went for you.`,
  callingFallback: (name) => `No call within a minute? Call ${name} yourself:`,
  callFailed: 'We could not call you just now. Please call the number yourself, then tell us how it went.',
  callMeOffTitle: 'We cannot call you right now',
  callMeOff: 'Calling you is not available for this campaign right now. Please call the number yourself.',
  callMeLimitedTitle: 'Please wait a little',
  callMeLimited:
    'Too many calls were asked for from your connection or for this number. Please try again in an hour, or call the number yourself.',
  thanksTitle: (name) => (name ? `Thank you, ${name}!` : 'Thank you!'),
  thanks: 'Every call is counted and read. Your voice makes a difference.',
  nextStep: 'Next step',
  expiredTitle: 'Please start again',
  expired: 'This page has been open too long. Please start again; it takes a few seconds.',
  startAgain: 'Start again',
  limitedTitle: 'Please wait a little',
  limited: 'Too many requests came from your connection. Please try again in a minute.',
  notFoundTitle: 'Page not found',
  notFound: 'This page does not exist. The link may be mistyped, or the campaign has ended.',
  errorTitle: 'Something went wrong',
  error: 'Something went wrong on our side. Please try again in a few minutes.',
  badRequest: 'We could not read what was sent. Please go back, reload the page and try again.',
};

const es: CallCopy = {
  locale: 'es_US',
  otherLanguage: { lang: 'en', label: 'English' },
  description: (title, w) => `${title}: una llamada rápida con ${w}.`,
  callsSoFar: (n, goal) =>
    `${n.toLocaleString('es-US')} ${n === 1 ? 'llamada' : 'llamadas'} hasta ahora${goal ? ` · meta ${goal.toLocaleString('es-US')}` : ''}`,
  closedTitle: 'Esta campaña de llamadas ha terminado',
  closed: 'Gracias por tu interés. Esta campaña ya no recibe llamadas.',
  callingAs: (name) => (name ? `Llamas como ${name}.` : 'Sabemos quién eres por tu enlace.'),
  notYou: '¿No eres tú?',
  firstName: 'Nombre',
  phone: 'Teléfono celular',
  phoneHint: 'Para contar tu llamada. No te llamaremos.',
  postalCode: () => 'Código postal',
  postalCodeHint: 'Lo usamos para saber quién te representa.',
  textMe: 'Mensajes de texto',
  optional: '(opcional)',
  honeypot: 'Deja este campo vacío',
  findTargets: 'Buscar a quién llamar',
  showTargets: 'Muéstrame a quién llamar',
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
        return 'Parece un teléfono fijo. Danos un número de celular.';
      case 'other_country':
        return `Lo sentimos, esta campaña es para números de ${countryName(p.country, 'es')}.`;
      case 'invalid_postal_code':
        return 'Este código postal no es válido.';
      case 'no_targets':
        return 'No tenemos a quién llamar para este código postal. Revísalo o usa el código de donde votas.';
      case 'wording_changed':
        return 'El texto de este acuerdo acaba de cambiar. Léelo de nuevo y marca la casilla.';
    }
  },
  targetsTitle: (n) => (n === 1 ? 'Tu llamada' : `Tus ${n} llamadas`),
  targetsLead: 'Toca un número para llamar. Lee el guion (mejor con tus propias palabras) y luego cuéntanos cómo te fue.',
  preview: 'Vista previa: así se ve la página en un teléfono. Debajo del formulario, a quién llamar tal como lo verá un miembro.',
  previewTargets: (postalCode) => (postalCode ? `Después, a quién llamar (por ejemplo, para ${postalCode})` : 'Después, a quién llamar'),
  previewSample: { firstName: '[nombre]', lastName: '[apellido]', postalCode: '[código postal]', target: '[su representante]' },
  call: (name) => `Llamar a ${name}`,
  script: 'Qué decir',
  howDidItGo: (name) => `¿Cómo te fue con la llamada a ${name}?`,
  outcome: {
    reached: 'Hablé con alguien',
    voicemail: 'Dejé un mensaje de voz',
    busy: 'La línea estaba ocupada',
    no_answer: 'No contestaron',
  },
  loggedAs: (o) => `Registrado: ${o}. ¿Llamaste de nuevo? Cuéntanos cómo te fue.`,
  loggedNote: (name, o) => `¡Gracias! Registramos tu llamada a ${name}: ${o}.`,
  callMe: 'Llámame y conéctame',
  callMePhone: 'Tu número de celular',
  callMeHint: (name) => `O te llamamos y te conectamos con ${name}, y registramos cómo te fue.`,
  callingTitle: 'Te estamos llamando',
  calling: (from, name) => `Contesta la llamada del ${from}: te conectaremos con ${name}. Registramos cómo te fue.`,
  callingFallback: (name) => `¿No recibes la llamada en un minuto? Llama tú a ${name}:`,
  callFailed: 'No pudimos llamarte ahora. Llama tú al número y luego cuéntanos cómo te fue.',
  callMeOffTitle: 'No podemos llamarte ahora',
  callMeOff: 'Por ahora no podemos llamarte para esta campaña. Llama tú al número, por favor.',
  callMeLimitedTitle: 'Espera un poco',
  callMeLimited:
    'Se pidieron demasiadas llamadas desde tu conexión o para este número. Inténtalo de nuevo en una hora o llama tú al número.',
  thanksTitle: (name) => (name ? `¡Gracias, ${name}!` : '¡Gracias!'),
  thanks: 'Cada llamada se cuenta y se escucha. Tu voz hace la diferencia.',
  nextStep: 'Siguiente paso',
  expiredTitle: 'Empieza de nuevo, por favor',
  expired: 'Esta página estuvo abierta demasiado tiempo. Empieza de nuevo; toma unos segundos.',
  startAgain: 'Empezar de nuevo',
  limitedTitle: 'Espera un poco',
  limited: 'Llegaron demasiadas solicitudes desde tu conexión. Inténtalo de nuevo en un minuto.',
  notFoundTitle: 'Página no encontrada',
  notFound: 'Esta página no existe. Puede que el enlace esté mal escrito o que la campaña haya terminado.',
  errorTitle: 'Algo salió mal',
  error: 'Algo salió mal de nuestro lado. Inténtalo de nuevo en unos minutos.',
  badRequest: 'No pudimos leer lo que se envió. Vuelve atrás, recarga la página e inténtalo de nuevo.',
};

export const CALL_COPY: Record<Lang, CallCopy> = { en, es };
