import type { SurveyProblem } from '../modules/surveys/web-survey.ts';
import { COPY as BASE, type Lang } from './i18n.ts';

// The words of the public survey page in every supported language (shared ones, like contact problems, from i18n.ts).
// The survey's own questions and texts are the organizer's words and are shown as written.

type SurveyCopy = {
  closed: string;
  alreadyNote: string;
  aboutYou: string;
  firstName: string;
  phone: string;
  phoneHint: string;
  email: string;
  yes: string;
  no: string;
  scaleHint: (min: number, max: number) => string;
  npsHint: string;
  textHint: (max: number) => string;
  submit: string;
  problem: (problem: SurveyProblem) => string;
  questionLabel: (position: number) => string;
  thanksTitle: (name: string | null) => string;
  thanks: string;
  alreadyTitle: string;
  already: (survey: string) => string;
  closedTitle: string;
  closedText: string;
  optOutReminder: string;
  limitedText: string;
};

const en: SurveyCopy = {
  closed: 'This survey is closed: it no longer takes answers. Thank you to everyone who answered.',
  alreadyNote: 'You already answered this survey. Thank you!',
  aboutYou: 'About you',
  firstName: 'First name',
  phone: 'Mobile phone',
  phoneHint: 'Each person answers once; we recognize you by your number.',
  email: 'Email',
  yes: 'Yes',
  no: 'No',
  scaleHint: (min, max) => `From ${min} (lowest) to ${max} (highest).`,
  npsHint: '0 = not at all likely, 10 = extremely likely.',
  textHint: (max) => `A few words (at most ${max.toLocaleString('en-US')} characters).`,
  submit: 'Send my answers',
  problem: (p) => {
    switch (p.kind) {
      case 'answer_missing':
        return p.question.kind === 'text' ? 'Write a few words.' : 'Choose an answer.';
      case 'answer_invalid':
        return p.question.kind === 'text' ? 'Write a few words.' : 'Choose one of the answers listed.';
      case 'answer_too_long':
        return `Use at most ${p.max.toLocaleString('en-US')} characters.`;
      default:
        return BASE.en.problem(p);
    }
  },
  questionLabel: (n) => `Question ${n}`,
  thanksTitle: (name) => (name ? `Thank you, ${name}!` : 'Thank you!'),
  thanks: 'Your answers were received.',
  alreadyTitle: 'You already answered',
  already: (s) => `You already answered “${s}”; each person answers once. Nothing was changed.`,
  closedTitle: 'This survey is closed',
  closedText: 'This survey no longer takes answers. Thank you for your interest.',
  optOutReminder: 'If you agreed to texts: reply STOP to any of them to stop them, or HELP for help.',
  limitedText: 'Too many answers came from your connection in the last minute. Please wait a minute and send yours again.',
};

const es: SurveyCopy = {
  closed: 'Esta encuesta está cerrada: ya no recibe respuestas. Gracias a todas las personas que respondieron.',
  alreadyNote: 'Ya respondiste esta encuesta. ¡Gracias!',
  aboutYou: 'Sobre ti',
  firstName: 'Nombre',
  phone: 'Teléfono celular',
  phoneHint: 'Cada persona responde una vez; te reconocemos por tu número.',
  email: 'Correo electrónico',
  yes: 'Sí',
  no: 'No',
  scaleHint: (min, max) => `De ${min} (lo más bajo) a ${max} (lo más alto).`,
  npsHint: '0 = nada probable, 10 = muy probable.',
  textHint: (max) => `Unas palabras (como máximo ${max.toLocaleString('es-US')} caracteres).`,
  submit: 'Enviar mis respuestas',
  problem: (p) => {
    switch (p.kind) {
      case 'answer_missing':
        return p.question.kind === 'text' ? 'Escribe unas palabras.' : 'Elige una respuesta.';
      case 'answer_invalid':
        return p.question.kind === 'text' ? 'Escribe unas palabras.' : 'Elige una de las respuestas de la lista.';
      case 'answer_too_long':
        return `Usa como máximo ${p.max.toLocaleString('es-US')} caracteres.`;
      default:
        return BASE.es.problem(p);
    }
  },
  questionLabel: (n) => `Pregunta ${n}`,
  thanksTitle: (name) => (name ? `¡Gracias, ${name}!` : '¡Gracias!'),
  thanks: 'Recibimos tus respuestas.',
  alreadyTitle: 'Ya respondiste',
  already: (s) => `Ya respondiste «${s}»; cada persona responde una vez. No se cambió nada.`,
  closedTitle: 'Esta encuesta está cerrada',
  closedText: 'Esta encuesta ya no recibe respuestas. Gracias por tu interés.',
  optOutReminder: 'Si aceptaste los mensajes: responde STOP a cualquiera para dejar de recibirlos, o HELP para obtener ayuda.',
  limitedText: 'Llegaron demasiadas respuestas desde tu conexión en el último minuto. Espera un minuto y envía la tuya de nuevo.',
};

export const SURVEY_COPY: Record<Lang, SurveyCopy> = { en, es };
