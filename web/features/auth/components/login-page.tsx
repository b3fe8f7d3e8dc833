import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconClockPause, IconInfoCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { CenteredCard } from '../../../components/centered-card.tsx';
import { FullPageLoader } from '../../../components/full-page-loader.tsx';
import { ApiError } from '../../../lib/api-client.ts';
import { fieldError, onlyFieldErrors } from '../../../lib/errors.ts';
import { landingPath, safeNextPath } from '../../../lib/last-workspace.ts';
import { useSession } from '../../../lib/session.ts';
import { useLogin } from '../api/login.ts';

const FIELDS = ['email', 'password'] as const;

export function LoginPage() {
  const [params] = useSearchParams();
  const session = useSession();
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const next = safeNextPath(params.get('next'));

  if (session.isPending) return <FullPageLoader />;
  // Also where a successful sign-in lands: it stores the session, which re-renders this page.
  if (session.data) return <Navigate to={next ?? landingPath(session.data.workspaces)} replace />;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    login.mutate({ email: email.trim(), password });
  };

  const error = login.error;
  const locked = error instanceof ApiError && error.code === 'auth.locked';

  return (
    <CenteredCard title="Sign in to Groundswell" subtitle="Organize, text and grow your communities.">
      <form onSubmit={submit} noValidate>
        <Stack>
          {params.get('reason') === 'expired' && !error && (
            <Alert color="yellow" variant="light" icon={<IconInfoCircle />}>
              Your session expired, sign in again.
            </Alert>
          )}
          {error && !onlyFieldErrors(error, FIELDS) && (
            <Alert
              color={locked ? 'orange' : 'red'}
              variant="light"
              icon={locked ? <IconClockPause /> : <IconAlertTriangle />}
              title={locked ? 'Sign-in paused' : undefined}
              role="alert"
            >
              {error instanceof ApiError ? error.detail : 'Could not sign in. Try again.'}
            </Alert>
          )}
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            placeholder="you@example.org"
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            error={fieldError(error, 'email')}
            withAsterisk
            autoFocus
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={fieldError(error, 'password')}
            withAsterisk
          />
          <Button type="submit" loading={login.isPending} fullWidth mt="xs">
            Sign in
          </Button>
        </Stack>
      </form>
    </CenteredCard>
  );
}
