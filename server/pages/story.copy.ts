import type { StoryProblem } from '../modules/stories/story-submitting.ts';
import { COPY as BASE, type Lang } from './i18n.ts';

// The words of the story pages in every supported language (shared ones, like field problems, come from i18n.ts).

type StoryCopy = {
  defaultPrompt: string;
  closed: string;
  formTitle: string;
  story: string;
  storyHint: (max: number) => string;
  photo: string;
  photoHint: string;
  photoAgain: string;
  firstName: string;
  city: string;
  email: string;
  phone: string;
  contactHint: string;
  displayLegend: string;
  displayName: string;
  displayAnonymous: string;
  submit: string;
  readStories: string;
  problem: (problem: StoryProblem) => string;
  thanksTitle: (name: string | null) => string;
  thanks: string;
  backToStories: string;
  spotlightTitle: (title: string) => string;
  spotlightEmpty: string;
  anonymous: string;
  photoAlt: (name: string | null) => string;
  tellYours: string;
  newer: string;
  older: string;
  closedTitle: string;
  closedText: string;
  limitedText: string;
};

const en: StoryCopy = {
  defaultPrompt: 'Tell us your story',
  closed: 'This call for stories is closed: it no longer takes new stories. Thank you to everyone who shared theirs.',
  formTitle: 'Share your story',
  story: 'Your story',
  storyHint: (max) => `In your own words, up to ${max.toLocaleString('en-US')} characters.`,
  photo: 'A photo',
  photoHint: 'A JPEG, PNG or WebP picture, up to 3 MB.',
  photoAgain: 'For your safety the photo was not kept: please choose it again.',
  firstName: 'First name',
  city: 'City or town',
  email: 'Email',
  phone: 'Mobile phone',
  contactHint: 'Give a phone number or an email address, so we can reach you about your story. It is never published.',
  displayLegend: 'How should we sign your story?',
  displayName: 'With my first name and city',
  displayAnonymous: 'Anonymously',
  submit: 'Send my story',
  readStories: 'Read the stories others shared',
  problem: (p) => {
    switch (p.kind) {
      case 'contact_required':
        return 'Enter a mobile phone number or an email address.';
      case 'consent_needs_phone':
        return 'Enter your mobile phone number to receive texts, or untick the box.';
      case 'publish_required':
        return 'Tick the box to let us publish your story; we only publish stories with permission.';
      case 'photo_type':
        return 'This file is not a JPEG, PNG or WebP picture. Choose a photo, or leave it out.';
      case 'photo_too_large':
        return 'This photo is larger than 3 MB. Choose a smaller one, or leave it out.';
      default:
        return BASE.en.problem(p);
    }
  },
  thanksTitle: (name) => (name ? `Thank you, ${name}!` : 'Thank you!'),
  thanks: 'We received your story. It will appear on the page once a moderator approves it; we read every one.',
  backToStories: 'Read the stories already shared',
  spotlightTitle: (t) => `Stories: ${t}`,
  spotlightEmpty: 'No stories are published yet. Be the first to share yours.',
  anonymous: 'Anonymous',
  photoAlt: (name) => (name ? `Photo shared by ${name}` : 'Photo shared with this story'),
  tellYours: 'Tell your story',
  newer: 'Newer stories',
  older: 'Older stories',
  closedTitle: 'This call for stories is closed',
  closedText: 'This page no longer takes new stories. Thank you for your support.',
  limitedText: 'Too many stories came from your connection or from phone numbers like yours in the last hour. Please try again later.',
};

const es: StoryCopy = {
  defaultPrompt: 'Cuéntanos tu historia',
  closed:
    'Esta convocatoria de historias está cerrada: ya no recibe historias nuevas. Gracias a todas las personas que compartieron la suya.',
  formTitle: 'Comparte tu historia',
  story: 'Tu historia',
  storyHint: (max) => `Con tus propias palabras, hasta ${max.toLocaleString('es-US')} caracteres.`,
  photo: 'Una foto',
  photoHint: 'Una imagen JPEG, PNG o WebP, de hasta 3 MB.',
  photoAgain: 'Por tu seguridad no guardamos la foto: elígela de nuevo.',
  firstName: 'Nombre',
  city: 'Ciudad o pueblo',
  email: 'Correo electrónico',
  phone: 'Teléfono celular',
  contactHint: 'Escribe un teléfono o un correo para que podamos contactarte sobre tu historia. Nunca se publica.',
  displayLegend: '¿Cómo firmamos tu historia?',
  displayName: 'Con mi nombre y mi ciudad',
  displayAnonymous: 'De forma anónima',
  submit: 'Enviar mi historia',
  readStories: 'Lee las historias que otras personas compartieron',
  problem: (p) => {
    switch (p.kind) {
      case 'contact_required':
        return 'Escribe un número de celular o un correo electrónico.';
      case 'consent_needs_phone':
        return 'Escribe tu número de celular para recibir mensajes, o desmarca la casilla.';
      case 'publish_required':
        return 'Marca la casilla para permitirnos publicar tu historia; solo publicamos historias con permiso.';
      case 'photo_type':
        return 'Este archivo no es una imagen JPEG, PNG o WebP. Elige una foto, o no añadas ninguna.';
      case 'photo_too_large':
        return 'Esta foto pesa más de 3 MB. Elige una más pequeña, o no añadas ninguna.';
      default:
        return BASE.es.problem(p);
    }
  },
  thanksTitle: (name) => (name ? `¡Gracias, ${name}!` : '¡Gracias!'),
  thanks: 'Recibimos tu historia. Aparecerá en la página cuando una persona moderadora la apruebe; leemos todas.',
  backToStories: 'Lee las historias ya compartidas',
  spotlightTitle: (t) => `Historias: ${t}`,
  spotlightEmpty: 'Todavía no hay historias publicadas. Sé la primera persona en compartir la tuya.',
  anonymous: 'Anónimo',
  photoAlt: (name) => (name ? `Foto compartida por ${name}` : 'Foto compartida con esta historia'),
  tellYours: 'Cuenta tu historia',
  newer: 'Historias más recientes',
  older: 'Historias anteriores',
  closedTitle: 'Esta convocatoria de historias está cerrada',
  closedText: 'Esta página ya no recibe historias nuevas. Gracias por tu apoyo.',
  limitedText: 'Llegaron demasiadas historias desde tu conexión o desde números parecidos al tuyo en la última hora. Inténtalo más tarde.',
};

export const STORY_COPY: Record<Lang, StoryCopy> = { en, es };
