import type { PetitionProblem } from '../modules/petitions/petition-signing.ts';
import { COPY as BASE, type Lang } from './i18n.ts';

// The words of the petition pages in every supported language (the shared ones, like field problems, come from i18n.ts).

type PetitionCopy = {
  to: (target: string) => string;
  count: (n: number, goal: number | null) => string;
  closed: string;
  alreadyNote: string;
  formTitle: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  phoneHint: string;
  comment: string;
  showName: string;
  submit: string;
  signersTitle: string;
  problem: (problem: PetitionProblem) => string;
  thanksTitle: (name: string | null) => string;
  thanks: (title: string, count: number) => string;
  alreadyTitle: string;
  already: (title: string) => string;
  nextTitle: string;
  nextButton: string;
  shareTitle: string;
  shareLead: string;
  shareSms: string;
  shareWhatsApp: string;
  shareFacebook: string;
  shareX: string;
  closedTitle: string;
  closedText: string;
  limitedText: string;
  preview: string;
};

const en: PetitionCopy = {
  to: (t) => `To: ${t}`,
  count: (n, goal) =>
    goal
      ? `${n.toLocaleString('en-US')} of ${goal.toLocaleString('en-US')} signatures`
      : `${n.toLocaleString('en-US')} ${n === 1 ? 'signature' : 'signatures'}`,
  closed: 'This petition is closed: it no longer takes signatures. Thank you to everyone who signed.',
  alreadyNote: 'You already signed this petition. Thank you!',
  formTitle: 'Add your name',
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phone: 'Mobile phone',
  phoneHint: 'Give a phone number or an email address.',
  comment: 'Why are you signing?',
  showName: 'Show my first name and postal code in the list of signers',
  submit: 'Sign the petition',
  signersTitle: 'Recent signers',
  problem: (p) => {
    switch (p.kind) {
      case 'contact_required':
        return 'Enter a mobile phone number or an email address.';
      case 'consent_needs_phone':
        return 'Enter your mobile phone number to receive texts, or untick the box.';
      case 'consent_required':
        return 'Tick the box to agree to receive texts.';
      default:
        return BASE.en.problem(p);
    }
  },
  thanksTitle: (name) => (name ? `Thank you, ${name}!` : 'Thank you!'),
  thanks: (title, n) => `You signed “${title}”. ${n.toLocaleString('en-US')} ${n === 1 ? 'person has' : 'people have'} signed so far.`,
  alreadyTitle: 'You already signed',
  already: (title) => `You already signed “${title}”; your signature counts once. Nothing was changed.`,
  nextTitle: 'Your next step',
  nextButton: 'Take the next step',
  shareTitle: 'Now ask your friends',
  shareLead: 'Petitions win when they spread. Share this one with a message:',
  shareSms: 'Share by text message',
  shareWhatsApp: 'Share on WhatsApp',
  shareFacebook: 'Share on Facebook',
  shareX: 'Share on X',
  closedTitle: 'This petition is closed',
  closedText: 'This petition no longer takes signatures. Thank you for your support.',
  limitedText:
    'Too many signatures came from your connection or from phone numbers like yours in the last hour. Please try again later; if you are signing for a group, ask each person to sign on their own phone.',
  preview: 'Preview: this is how the page looks on a phone.',
};

const es: PetitionCopy = {
  to: (t) => `Para: ${t}`,
  count: (n, goal) =>
    goal
      ? `${n.toLocaleString('es-US')} de ${goal.toLocaleString('es-US')} firmas`
      : `${n.toLocaleString('es-US')} ${n === 1 ? 'firma' : 'firmas'}`,
  closed: 'Esta petición está cerrada: ya no recibe firmas. Gracias a todas las personas que firmaron.',
  alreadyNote: 'Ya firmaste esta petición. ¡Gracias!',
  formTitle: 'Añade tu nombre',
  firstName: 'Nombre',
  lastName: 'Apellido',
  email: 'Correo electrónico',
  phone: 'Teléfono celular',
  phoneHint: 'Escribe un número de teléfono o un correo electrónico.',
  comment: '¿Por qué firmas?',
  showName: 'Mostrar mi nombre y código postal en la lista de firmantes',
  submit: 'Firmar la petición',
  signersTitle: 'Firmas recientes',
  problem: (p) => {
    switch (p.kind) {
      case 'contact_required':
        return 'Escribe un número de celular o un correo electrónico.';
      case 'consent_needs_phone':
        return 'Escribe tu número de celular para recibir mensajes, o desmarca la casilla.';
      case 'consent_required':
        return 'Marca la casilla para aceptar los mensajes.';
      default:
        return BASE.es.problem(p);
    }
  },
  thanksTitle: (name) => (name ? `¡Gracias, ${name}!` : '¡Gracias!'),
  thanks: (title, n) =>
    `Firmaste «${title}». Hasta ahora ${n === 1 ? 'ha firmado 1 persona' : `han firmado ${n.toLocaleString('es-US')} personas`}.`,
  alreadyTitle: 'Ya firmaste',
  already: (title) => `Ya firmaste «${title}»; tu firma cuenta una vez. No se cambió nada.`,
  nextTitle: 'Tu siguiente paso',
  nextButton: 'Dar el siguiente paso',
  shareTitle: 'Ahora invita a tus amistades',
  shareLead: 'Las peticiones ganan cuando se comparten. Comparte esta con un mensaje:',
  shareSms: 'Compartir por mensaje de texto',
  shareWhatsApp: 'Compartir en WhatsApp',
  shareFacebook: 'Compartir en Facebook',
  shareX: 'Compartir en X',
  closedTitle: 'Esta petición está cerrada',
  closedText: 'Esta petición ya no recibe firmas. Gracias por tu apoyo.',
  limitedText:
    'Llegaron demasiadas firmas desde tu conexión o desde números parecidos al tuyo en la última hora. Inténtalo más tarde; si firmas por un grupo, pide a cada persona que firme desde su propio teléfono.',
  preview: 'Vista previa: así se ve la página en un teléfono.',
};

export const PETITION_COPY: Record<Lang, PetitionCopy> = { en, es };
