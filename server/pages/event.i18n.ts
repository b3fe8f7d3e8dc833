import type { Lang, RsvpProblem } from '../modules/events/rsvp.service.ts';
import { countryName } from './i18n.ts';

// The words of the public event pages, in English and Spanish.

type EventCopy = {
  locale: string;
  otherLanguage: { lang: Lang; label: string };
  when: string;
  where: string;
  online: string;
  onlineNote: string;
  hostedBy: (name: string) => string;
  shifts: string;
  chooseShifts: string;
  spotsLeft: (n: number) => string;
  noLimit: string;
  full: string;
  waitlistOpen: string;
  past: string;
  rsvpTitle: string;
  firstName: string;
  phone: string;
  phoneHint: string;
  email: string;
  optional: string;
  guests: string;
  guestsHint: string;
  friendName: string;
  friendPhone: string;
  bringFriend: string;
  honeypot: string;
  submit: string;
  errorSummary: string;
  problem: (problem: RsvpProblem, shiftLabel: (id: number) => string) => string;
  closedNote: string;
  /** Above the dashboard's phone preview of the page (drafts too). */
  preview: string;
  addToCalendar: string;
  goingTitle: string;
  going: (name: string | null) => string;
  waitlistedTitle: string;
  statusGoing: string;
  statusWaitlisted: string;
  statusCancelled: string;
  statusAttended: string;
  statusNoShow: string;
  joinLink: string;
  texted: string;
  optOutReminder: string;
  manageLink: string;
  nextTitle: string;
  nextButton: string;
  yourRsvpTitle: string;
  yourRsvpLead: (name: string | null) => string;
  noRsvps: string;
  cancel: string;
  cancelledTitle: string;
  cancelled: string;
  backToEvent: string;
  expiredTitle: string;
  expired: string;
  checkInTitle: string;
  checkInLead: string;
  code: string;
  codeHint: string;
  checkIn: string;
  checkedInTitle: (name: string | null) => string;
  checkedIn: string;
  alreadyCheckedIn: string;
  wrongCode: string;
  noRsvp: string;
  invalidPhone: string;
  thanksTitle: string;
};

const en: EventCopy = {
  locale: 'en_US',
  otherLanguage: { lang: 'es', label: 'Español' },
  when: 'When',
  where: 'Where',
  online: 'Online',
  onlineNote: 'The link to join is sent to you when you RSVP.',
  hostedBy: (name) => `Hosted by ${name}`,
  shifts: 'Times',
  chooseShifts: 'Choose one or more times',
  spotsLeft: (n) => (n === 1 ? '1 spot left' : `${n} spots left`),
  noLimit: 'Open',
  full: 'Full',
  waitlistOpen: 'Full: join the waitlist',
  past: 'Over',
  rsvpTitle: 'RSVP',
  firstName: 'First name',
  phone: 'Mobile phone',
  phoneHint: 'For your confirmation and a reminder.',
  email: 'Email',
  optional: '(optional)',
  guests: 'Guests coming with you',
  guestsHint: 'Each guest takes a spot.',
  friendName: 'Friend’s name',
  friendPhone: 'Friend’s mobile phone',
  bringFriend: 'Bring a friend',
  honeypot: 'Leave this field empty',
  submit: 'RSVP',
  errorSummary: 'Please fix this:',
  problem: (p, shiftLabel) => {
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
        return `Sorry, we can only take numbers in ${countryName(p.country, 'en')}.`;
      case 'invalid_email':
        return 'This is not an email address (like name@example.org). Leave it empty if you prefer.';
      case 'choose_shift':
        return 'Choose at least one time.';
      case 'full':
        return `${shiftLabel(p.shiftId)} is full. Choose another time.`;
      case 'wording_changed':
        return 'The wording of this agreement has just changed. Please read it again and tick the box.';
    }
  },
  closedNote: 'RSVPs for this event are closed.',
  preview: 'Preview: this is how the page looks on a phone.',
  addToCalendar: 'Add to calendar',
  goingTitle: 'You’re going!',
  going: (name) => `${name ? `Thank you, ${name}. ` : 'Thank you. '}Here is what you signed up for:`,
  waitlistedTitle: 'You’re on the waitlist',
  statusGoing: 'Going',
  statusWaitlisted: 'Waitlist: we will text you if a spot opens',
  statusCancelled: 'Cancelled',
  statusAttended: 'Checked in',
  statusNoShow: 'Missed',
  joinLink: 'Join online',
  texted: 'We texted you a confirmation, and will remind you the day before and an hour before.',
  optOutReminder: 'Reply STOP to any of our texts to stop them, or HELP for help.',
  manageLink: 'Change or cancel your RSVP',
  nextTitle: 'Your next step',
  nextButton: 'Take the next step',
  yourRsvpTitle: 'Your RSVP',
  yourRsvpLead: (name) => (name ? `Hi ${name}, here are your times.` : 'Here are your times.'),
  noRsvps: 'You have no RSVP for this event.',
  cancel: 'Cancel this RSVP',
  cancelledTitle: 'RSVP cancelled',
  cancelled: 'Your RSVP is cancelled. Thank you for letting us know: your spot can go to someone else.',
  backToEvent: 'Back to the event',
  expiredTitle: 'This link has expired',
  expired: 'This link no longer works. Open the event page to RSVP again.',
  checkInTitle: 'Check in',
  checkInLead: 'Enter the number you RSVPed with and the code shown at the door.',
  code: 'Door code',
  codeHint: 'The 4 digits on the sign.',
  checkIn: 'Check in',
  checkedInTitle: (name) => (name ? `Welcome, ${name}!` : 'Welcome!'),
  checkedIn: 'You are checked in. Thank you for coming.',
  alreadyCheckedIn: 'You were already checked in. Enjoy!',
  wrongCode: 'That code is not right, or check-in is not open yet. Check the sign at the door.',
  noRsvp: 'We could not find an RSVP for this number. Ask an organizer at the door to check you in.',
  invalidPhone: 'This is not a phone number we recognise.',
  thanksTitle: 'Thank you',
};

const es: EventCopy = {
  locale: 'es_US',
  otherLanguage: { lang: 'en', label: 'English' },
  when: 'Cuándo',
  where: 'Dónde',
  online: 'En línea',
  onlineNote: 'Te enviamos el enlace para unirte cuando confirmes.',
  hostedBy: (name) => `Organiza ${name}`,
  shifts: 'Horarios',
  chooseShifts: 'Elige uno o más horarios',
  spotsLeft: (n) => (n === 1 ? 'Queda 1 lugar' : `Quedan ${n} lugares`),
  noLimit: 'Abierto',
  full: 'Completo',
  waitlistOpen: 'Completo: únete a la lista de espera',
  past: 'Terminado',
  rsvpTitle: 'Confirma tu asistencia',
  firstName: 'Nombre',
  phone: 'Teléfono celular',
  phoneHint: 'Para tu confirmación y un recordatorio.',
  email: 'Correo electrónico',
  optional: '(opcional)',
  guests: 'Invitados que vienen contigo',
  guestsHint: 'Cada invitado ocupa un lugar.',
  friendName: 'Nombre de tu amigo o amiga',
  friendPhone: 'Celular de tu amigo o amiga',
  bringFriend: 'Trae a alguien',
  honeypot: 'Deja este campo vacío',
  submit: 'Confirmar',
  errorSummary: 'Corrige lo siguiente:',
  problem: (p, shiftLabel) => {
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
        return `Lo sentimos, solo aceptamos números de ${countryName(p.country, 'es')}.`;
      case 'invalid_email':
        return 'Esto no es un correo electrónico (como nombre@ejemplo.org). Puedes dejarlo vacío.';
      case 'choose_shift':
        return 'Elige al menos un horario.';
      case 'full':
        return `${shiftLabel(p.shiftId)} está completo. Elige otro horario.`;
      case 'wording_changed':
        return 'El texto de este acuerdo acaba de cambiar. Léelo de nuevo y marca la casilla.';
    }
  },
  closedNote: 'Ya no se aceptan confirmaciones para este evento.',
  preview: 'Vista previa: así se ve la página en un teléfono.',
  addToCalendar: 'Añadir al calendario',
  goingTitle: '¡Confirmado!',
  going: (name) => `${name ? `Gracias, ${name}. ` : 'Gracias. '}Esto es lo que elegiste:`,
  waitlistedTitle: 'Estás en la lista de espera',
  statusGoing: 'Confirmado',
  statusWaitlisted: 'Lista de espera: te avisaremos si se libera un lugar',
  statusCancelled: 'Cancelado',
  statusAttended: 'Registrado',
  statusNoShow: 'No asististe',
  joinLink: 'Unirse en línea',
  texted: 'Te enviamos una confirmación por mensaje y te recordaremos el día anterior y una hora antes.',
  optOutReminder: 'Responde STOP a cualquiera de nuestros mensajes para dejar de recibirlos, o HELP para obtener ayuda.',
  manageLink: 'Cambiar o cancelar tu confirmación',
  nextTitle: 'Tu siguiente paso',
  nextButton: 'Dar el siguiente paso',
  yourRsvpTitle: 'Tu confirmación',
  yourRsvpLead: (name) => (name ? `Hola, ${name}. Estos son tus horarios.` : 'Estos son tus horarios.'),
  noRsvps: 'No tienes confirmaciones para este evento.',
  cancel: 'Cancelar esta confirmación',
  cancelledTitle: 'Confirmación cancelada',
  cancelled: 'Tu confirmación está cancelada. Gracias por avisar: tu lugar puede ser para otra persona.',
  backToEvent: 'Volver al evento',
  expiredTitle: 'Este enlace ha vencido',
  expired: 'Este enlace ya no funciona. Abre la página del evento para confirmar de nuevo.',
  checkInTitle: 'Registro de llegada',
  checkInLead: 'Escribe el número con el que confirmaste y el código que está en la entrada.',
  code: 'Código de la entrada',
  codeHint: 'Los 4 dígitos del cartel.',
  checkIn: 'Registrarme',
  checkedInTitle: (name) => (name ? `¡Bienvenida o bienvenido, ${name}!` : '¡Te damos la bienvenida!'),
  checkedIn: 'Ya estás registrado. Gracias por venir.',
  alreadyCheckedIn: 'Ya estabas registrado. ¡Disfruta!',
  wrongCode: 'Ese código no es correcto, o el registro aún no está abierto. Revisa el cartel de la entrada.',
  noRsvp: 'No encontramos una confirmación con este número. Pide a alguien del equipo en la entrada que te registre.',
  invalidPhone: 'No reconocemos este número de teléfono.',
  thanksTitle: 'Gracias',
};

export const EVENT_COPY: Record<Lang, EventCopy> = { en, es };
