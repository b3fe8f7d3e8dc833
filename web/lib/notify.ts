import { notifications } from '@mantine/notifications';
import { errorDetail } from './errors.ts';

export function notifySuccess(message: string): void {
  notifications.show({ message, color: 'teal', autoClose: 4000 });
}

export function notifyError(error: unknown, title = 'That did not work'): void {
  notifications.show({ title, message: errorDetail(error), color: 'red', autoClose: 8000 });
}
