import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router/dom';
import { setSessionLostHandler } from '../lib/api-client.ts';
import { createQueryClient } from '../lib/query-client.ts';
import { clearSession } from '../lib/session.ts';
import { Providers } from './providers.tsx';
import { createRouter } from './router.tsx';

const queryClient = createQueryClient();
const router = createRouter();

// A 401 saying the session is gone: forget it; the session guard then sends the person to /login and back after.
setSessionLostHandler(() => clearSession(queryClient, 'expired'));

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <Providers queryClient={queryClient}>
      <RouterProvider router={router} />
    </Providers>
  </StrictMode>,
);
