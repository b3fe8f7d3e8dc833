import type { ShareNetwork } from '../modules/shares/share-links.ts';
import type { Lang } from './i18n.ts';

// The words of the share pages in every supported language (field problems and the shared words come from i18n.ts).

type ShareCopy = {
  formTitle: string;
  formLead: string;
  firstName: string;
  phone: string;
  submit: string;
  readyTitle: (name: string | null) => string;
  readyLead: string;
  postLabel: string;
  button: Record<ShareNetwork, string>;
  closed: string;
  closedTitle: string;
  notYou: string;
  preview: string;
};

const en: ShareCopy = {
  formTitle: 'Get your share links',
  formLead: 'Tell us who you are: your links will credit you for everyone who joins through them.',
  firstName: 'First name',
  phone: 'Mobile phone',
  submit: 'Show my share links',
  readyTitle: (name) => (name ? `${name}, spread the word` : 'Spread the word'),
  readyLead: 'Tap a button: the post opens ready to send, with your own link. Change the words if you like.',
  postLabel: 'Suggested post',
  button: {
    x: 'Post on X',
    facebook: 'Share on Facebook',
    whatsapp: 'Send on WhatsApp',
    bluesky: 'Post on Bluesky',
    mastodon: 'Post on Mastodon',
    sms: 'Send a text message',
    email: 'Send an email',
  },
  closed: 'This share campaign has ended. Thank you to everyone who spread the word.',
  closedTitle: 'This campaign has ended',
  notYou: 'Not you? Start again',
  preview: 'Preview: this is how the page looks on a phone (the links credit nobody).',
};

const es: ShareCopy = {
  formTitle: 'Obtén tus enlaces para compartir',
  formLead: 'Dinos quién eres: tus enlaces te darán crédito por cada persona que se sume a través de ellos.',
  firstName: 'Nombre',
  phone: 'Teléfono móvil',
  submit: 'Ver mis enlaces',
  readyTitle: (name) => (name ? `${name}, corre la voz` : 'Corre la voz'),
  readyLead: 'Toca un botón: la publicación se abre lista para enviar, con tu propio enlace. Cambia las palabras si quieres.',
  postLabel: 'Publicación sugerida',
  button: {
    x: 'Publicar en X',
    facebook: 'Compartir en Facebook',
    whatsapp: 'Enviar por WhatsApp',
    bluesky: 'Publicar en Bluesky',
    mastodon: 'Publicar en Mastodon',
    sms: 'Enviar un mensaje de texto',
    email: 'Enviar un correo',
  },
  closed: 'Esta campaña para compartir terminó. Gracias a todas las personas que corrieron la voz.',
  closedTitle: 'Esta campaña terminó',
  notYou: '¿No eres tú? Empieza de nuevo',
  preview: 'Vista previa: así se ve la página en un teléfono (los enlaces no dan crédito a nadie).',
};

export const SHARE_COPY: Record<Lang, ShareCopy> = { en, es };
